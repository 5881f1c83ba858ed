"""App configuration for orders."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Sales orders from every channel, pricing, taxes, states, make-to-order supply, POS;
    registers its menu entry, search, 360° panel, key figures, timeline source and demo data."""

    name = "valuechain.scm.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from valuechain.crm.customers.panels import (
            KeyFigures,
            Panel,
            TimelineSource,
            register_key_figures,
            register_panel,
            register_timeline_source,
        )
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.orders import queries
        from valuechain.scm.orders.demo import seed_orders

        register_menu_item(MenuItem("scm", "Sales orders", "orders-list", "orders:read", order=30))
        register_search("sales order", "orders:read", queries.search_orders)
        register_panel(
            Panel(
                key="last_orders",
                title="Last orders",
                template="orders/_panel_last_orders.html",
                load=queries.panel_last_orders,
                permission="orders:read",
                order=20,
            )
        )
        register_key_figures(
            KeyFigures(
                key="orders", provide=queries.key_figures, permission="orders:read", order=20
            )
        )
        register_timeline_source(
            TimelineSource("sales_order", queries.timeline_entries, permission="orders:read")
        )
        register_demo_seeder("orders", seed_orders, order=50)
