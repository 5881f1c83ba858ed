"""App configuration for purchasing."""

from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    """Purchasing: RFQs, quotes, purchase orders from draft to closed."""

    name = "valuechain.scm.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"
