"""INTELLIGENCE contexts (built by later issues)."""
