"""API routes of dataexchange; each operation checks the record type's permission."""

from valuechain.platform.api import member_router

router = member_router()
