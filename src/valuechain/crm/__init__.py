"""CRM contexts (built by later issues)."""
