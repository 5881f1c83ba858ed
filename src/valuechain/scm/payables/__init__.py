"""Payables: Supplier bills, three-way match, payments and returns to vendor."""
