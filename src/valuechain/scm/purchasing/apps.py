"""App configuration for purchasing."""

from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    """Purchasing: RFQs, quotes, purchase orders from draft to closed."""

    name = "valuechain.scm.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.purchasing import queries
        from valuechain.scm.purchasing.demo import seed_purchasing

        for label, url, order in (
            ("Purchase orders", "purchasing-orders", 22),
            ("Requests for quotation", "purchasing-rfqs", 23),
            ("Purchase proposals", "purchasing-proposals", 24),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        register_search("purchase order", "scm:read", queries.search_orders)
        # After procurement (45) and orders (50): suppliers, prices and supply requests exist;
        # before receiving (70), which receives against these orders.
        register_demo_seeder("purchasing", seed_purchasing, order=65)
