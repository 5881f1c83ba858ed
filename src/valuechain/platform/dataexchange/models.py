"""Tables of dataexchange."""
