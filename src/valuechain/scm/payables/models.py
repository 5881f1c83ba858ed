"""Tables of payables."""
