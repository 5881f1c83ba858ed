"""App configuration for procurement."""

from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    """Procurement: suppliers, what they supply at which prices, and supplier selection."""

    name = "valuechain.scm.procurement"
    label = "procurement"
    verbose_name = "Procurement"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.catalog.panels import register_product_panel
        from valuechain.scm.procurement import queries
        from valuechain.scm.procurement.demo import seed_procurement
        from valuechain.scm.procurement.panels import suppliers_panel

        for label, url, order in (
            ("Suppliers", "procurement-suppliers", 20),
            ("Supplier selection", "procurement-settings", 21),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        register_search("supplier", "scm:read", queries.search_suppliers)
        register_product_panel("suppliers", suppliers_panel, title="Suppliers", order=20)
        # After inventory (40): the catalog exists and stock is seeded from other sources.
        register_demo_seeder("procurement", seed_procurement, order=45)
