"""Audit trail: who changed which field of which record, when, through which channel."""
