"""`valuechain tenant` and `valuechain user`."""
