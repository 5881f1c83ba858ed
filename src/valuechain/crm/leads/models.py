"""Tables of leads."""
