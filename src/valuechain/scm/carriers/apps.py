"""App configuration for carriers."""

from django.apps import AppConfig


class CarriersConfig(AppConfig):
    """Carriers, their services and rate cards, quotes and the carrier choice per shipment."""

    name = "valuechain.scm.carriers"
    label = "carriers"
    verbose_name = "Carriers"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.carriers import queries
        from valuechain.scm.carriers.demo import seed_carriers

        register_menu_item(MenuItem("scm", "Carriers", "carriers-list", "scm:read", order=63))
        register_menu_item(
            MenuItem("scm", "Compare carriers", "carriers-compare", "scm:read", order=64)
        )
        register_search("carrier", "scm:read", queries.search_carriers)
        # Before fulfillment (order=60), so the demo shipments could be rated.
        register_demo_seeder("carriers", seed_carriers, order=55)
