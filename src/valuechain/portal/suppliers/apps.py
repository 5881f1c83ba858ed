"""App configuration for the supplier extranet."""

from django.apps import AppConfig


class PortalSuppliersConfig(AppConfig):
    """The supplier extranet: logins linked to a supplier answer the RFQs sent to it."""

    name = "valuechain.portal.suppliers"
    label = "portal_suppliers"
    verbose_name = "Supplier extranet"
