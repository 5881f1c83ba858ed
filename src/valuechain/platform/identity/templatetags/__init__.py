"""Template tags of identity."""
