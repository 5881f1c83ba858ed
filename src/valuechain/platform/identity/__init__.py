"""Identity and access: roles, permissions, API tokens, login security."""
