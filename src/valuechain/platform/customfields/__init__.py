"""Custom fields: tenant-defined extra fields on business records."""
