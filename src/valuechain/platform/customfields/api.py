"""API routes of custom fields."""

from valuechain.platform.api import area_router

router = area_router("admin")
