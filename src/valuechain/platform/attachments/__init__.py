"""Documents attached to any record, checked by size and content type."""
