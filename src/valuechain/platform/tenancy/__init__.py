"""Tenancy: tenants, memberships, the tenant-owned base model and the scoping mechanism."""
