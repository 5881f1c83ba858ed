"""Customers: accounts and people, their addresses, contact points, consent and lifecycle."""
