"""API route of inbound e-mail (crm area): raw RFC 822 messages filed on contacts' timelines."""

from __future__ import annotations

from valuechain.platform.api import area_router

router = area_router("crm", tags=["inbound e-mail"])
