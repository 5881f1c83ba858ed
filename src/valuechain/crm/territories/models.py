"""Tables of territories."""
