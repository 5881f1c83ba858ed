"""SCM contexts (built by later issues)."""
