"""Management commands of identity."""
