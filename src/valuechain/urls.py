"""URL configuration: pages per context, the API, the scoped Django admin and the health check."""

from django.urls import include, path

from valuechain.api import api
from valuechain.platform.web.admin_site import admin_site

urlpatterns = [
    path("", include("valuechain.platform.web.urls")),
    path("", include("valuechain.platform.identity.urls")),
    path("", include("valuechain.platform.audit.urls")),
    path("", include("valuechain.platform.events.urls")),
    path("", include("valuechain.platform.urls")),
    path("", include("valuechain.platform.ops.urls")),
    path("", include("valuechain.platform.customfields.urls")),
    path("", include("valuechain.platform.attachments.urls")),
    path("", include("valuechain.platform.dataexchange.urls")),
    path("", include("valuechain.crm.customers.urls")),
    path("", include("valuechain.crm.sales.urls")),
    path("", include("valuechain.crm.leads.urls")),
    path("", include("valuechain.crm.activities.urls")),
    path("", include("valuechain.crm.territories.urls")),
    path("", include("valuechain.crm.automation.urls")),
    path("", include("valuechain.scm.catalog.urls")),
    path("", include("valuechain.scm.inventory.urls")),
    path("", include("valuechain.scm.orders.urls")),
    path("", include("valuechain.scm.fulfillment.urls")),
    path("", include("valuechain.scm.carriers.urls")),
    path("", include("valuechain.scm.barcodes.urls")),
    path("", include("valuechain.scm.procurement.urls")),
    path("", include("valuechain.scm.purchasing.urls")),
    path("", include("valuechain.scm.manufacturing.urls")),
    path("", include("valuechain.scm.receiving.urls")),
    path("", include("valuechain.scm.quality.urls")),
    path("", include("valuechain.scm.returns.urls")),
    path("", include("valuechain.scm.payables.urls")),
    path("", include("valuechain.portal.suppliers.urls")),
    path("django-admin/", admin_site.urls),
    path("api/v1/", api.urls),
]
