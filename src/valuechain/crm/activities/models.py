"""Tables of activities."""
