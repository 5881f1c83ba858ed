"""API routes of customers."""

from valuechain.platform.api import area_router

router = area_router("crm")
