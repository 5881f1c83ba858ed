"""API routes of automation (crm area)."""

from valuechain.platform.api import area_router

router = area_router("crm")
