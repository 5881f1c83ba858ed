"""Territories: geography and segment rules, teams, assignment and record rules."""
