"""Shared kernel: tenancy, identity, audit, events, jobs, API, web shell, money, numbering."""
