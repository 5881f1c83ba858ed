"""PORTAL contexts (built by later issues)."""
