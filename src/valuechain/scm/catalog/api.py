"""API routes of catalog (scm area)."""

from __future__ import annotations

from valuechain.platform.api import area_router

router = area_router("scm", tags=["catalog"])
