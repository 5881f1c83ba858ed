"""Leads: capture, duplicate check, scoring, qualification and conversion."""
