"""The project's /api/v1: every context's router mounted on the platform's Ninja instance."""

from valuechain.crm.customers.api import router as customers_router
from valuechain.platform.api import build_api
from valuechain.platform.audit.api import router as audit_router
from valuechain.platform.customfields.api import router as customfields_router
from valuechain.platform.events.api import router as events_router
from valuechain.platform.identity.api import router as identity_router
from valuechain.platform.routes import router as kernel_router

api = build_api(
    [
        ("/", identity_router),
        ("/", audit_router),
        ("/", events_router),
        ("/", kernel_router),
        ("/", customfields_router),
        ("/", customers_router),
    ]
)
