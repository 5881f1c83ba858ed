"""App configuration for fulfillment."""

from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    """Pick lists, packing into packages, shipments."""

    name = "valuechain.scm.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfillment"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.fulfillment import queries, scanning
        from valuechain.scm.fulfillment.demo import seed_fulfillment

        register_menu_item(
            MenuItem("scm", "Pick lists", "fulfillment-pick-lists", "scm:read", order=60)
        )
        register_menu_item(MenuItem("scm", "Pack", "fulfillment-pack", "scm:read", order=61))
        register_menu_item(
            MenuItem("scm", "Shipments", "fulfillment-shipments", "scm:read", order=62)
        )
        register_search("shipment", "scm:read", queries.search_fulfillment)
        scanning.register()
        register_demo_seeder("fulfillment", seed_fulfillment, order=60)
