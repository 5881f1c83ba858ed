"""Tables of receiving."""
