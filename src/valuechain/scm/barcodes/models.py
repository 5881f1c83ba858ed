"""Tables of barcodes (added by the barcodes work)."""
