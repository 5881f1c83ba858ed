"""The project's /api/v1: every context's router mounted on the platform's Ninja instance."""

from valuechain.crm.activities.api import router as activities_router
from valuechain.crm.automation.api import router as automation_router
from valuechain.crm.customers.api import router as customers_router
from valuechain.crm.customers.merge_api import router as merge_router
from valuechain.crm.leads.api import router as leads_router
from valuechain.crm.sales.api import router as sales_router
from valuechain.crm.territories.api import router as territories_router
from valuechain.platform.api import build_api
from valuechain.platform.attachments.api import router as attachments_router
from valuechain.platform.audit.api import router as audit_router
from valuechain.platform.customfields.api import router as customfields_router
from valuechain.platform.dataexchange.api import router as dataexchange_router
from valuechain.platform.events.api import router as events_router
from valuechain.platform.identity.api import router as identity_router
from valuechain.platform.routes import router as kernel_router
from valuechain.portal.suppliers.api import router as portal_suppliers_router
from valuechain.scm.barcodes.api import router as barcodes_router
from valuechain.scm.carriers.api import router as carriers_router
from valuechain.scm.catalog.api import router as catalog_router
from valuechain.scm.fulfillment.api import router as fulfillment_router
from valuechain.scm.inventory.api import router as inventory_router
from valuechain.scm.inventory.valuation_api import router as inventory_valuation_router
from valuechain.scm.manufacturing.api import router as manufacturing_router
from valuechain.scm.orders.api import router as orders_router
from valuechain.scm.payables.api import router as payables_router
from valuechain.scm.procurement.api import router as procurement_router
from valuechain.scm.purchasing.api import router as purchasing_router
from valuechain.scm.quality.api import router as quality_router
from valuechain.scm.receiving.api import router as receiving_router
from valuechain.scm.returns.api import router as returns_router

api = build_api(
    [
        ("/", identity_router),
        ("/", audit_router),
        ("/", events_router),
        ("/", kernel_router),
        ("/", customfields_router),
        ("/", attachments_router),
        ("/", dataexchange_router),
        # Before customers: POST /people/merge must win over /people/{person_id} (405).
        ("/", merge_router),
        ("/", customers_router),
        ("/", sales_router),
        ("/", leads_router),
        ("/", activities_router),
        ("/", territories_router),
        ("/", automation_router),
        ("/", catalog_router),
        ("/", inventory_router),
        ("/", inventory_valuation_router),
        ("/", orders_router),
        ("/", fulfillment_router),
        ("/", carriers_router),
        ("/", barcodes_router),
        ("/", procurement_router),
        ("/", purchasing_router),
        ("/", portal_suppliers_router),
        ("/", manufacturing_router),
        ("/", receiving_router),
        ("/", quality_router),
        ("/", returns_router),
        ("/", payables_router),
    ]
)
