"""Tables of sales orders (added by the orders work)."""
