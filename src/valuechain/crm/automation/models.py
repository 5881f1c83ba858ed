"""Tables of automation."""
