"""Purchasing: requests for quotation, purchase orders and their approval, sending and state."""
