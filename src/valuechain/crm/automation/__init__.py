"""Workflow automation: when an event happens and conditions hold, run actions."""
