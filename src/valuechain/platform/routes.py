"""API routes of this context."""

from valuechain.platform.api import area_router

router = area_router("admin")
