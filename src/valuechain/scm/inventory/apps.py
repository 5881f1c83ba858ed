"""App configuration for inventory."""

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """Inventory: warehouses, locations, the stock ledger, balances, reservations, replenishment."""

    name = "valuechain.scm.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item
        from valuechain.scm.catalog.panels import register_product_panel
        from valuechain.scm.inventory import tasks  # noqa: F401 - registers the replenishment job
        from valuechain.scm.inventory.demo import seed_inventory
        from valuechain.scm.inventory.panels import stock_panel

        for label, url, order in (
            ("Stock", "inventory-overview", 40),
            ("Stock moves", "inventory-moves", 41),
            ("Warehouses", "inventory-warehouses", 42),
            ("Transfers", "inventory-transfers", 43),
            ("Cycle counts", "inventory-counts", 44),
            ("Reorder rules", "inventory-rules", 45),
            ("Supply requests", "inventory-supply", 46),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        register_product_panel("stock", stock_panel, title="Stock", order=10)
        register_demo_seeder("inventory", seed_inventory, order=40)
