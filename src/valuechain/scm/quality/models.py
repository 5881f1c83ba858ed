"""Tables of quality."""
