"""Receiving: Receipts against purchase orders, advance ship notices and scanning."""
