"""Tables of sales."""
