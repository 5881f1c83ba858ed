"""App configuration for receiving."""

from django.apps import AppConfig


class ReceivingConfig(AppConfig):
    """Receiving: Receipts against purchase orders, advance ship notices and scanning."""

    name = "valuechain.scm.receiving"
    label = "receiving"
    verbose_name = "Receiving"
