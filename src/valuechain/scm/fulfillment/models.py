"""Tables of fulfillment (added by the fulfillment work)."""
