"""App configuration for inventory."""

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """Inventory: warehouses, locations, the stock ledger, balances, reservations, replenishment."""

    name = "valuechain.scm.inventory"
    label = "inventory"
    verbose_name = "Inventory"
