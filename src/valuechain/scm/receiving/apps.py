"""App configuration for receiving."""

from django.apps import AppConfig


class ReceivingConfig(AppConfig):
    """Receiving: Receipts against purchase orders, advance ship notices and scanning."""

    name = "valuechain.scm.receiving"
    label = "receiving"
    verbose_name = "Receiving"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.quality.services import register_outcome_handler
        from valuechain.scm.receiving import queries, services
        from valuechain.scm.receiving.demo import seed_receiving

        for label, url, order in (
            ("Expected receipts", "receiving-expected", 30),
            ("Receipts", "receiving-receipts", 31),
            ("Ship notices", "receiving-asns", 32),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        register_search("receipt", "scm:read", queries.search_receipts)
        # An inspected receipt line's outcome adds to its PO line's accepted / rejected.
        register_outcome_handler(services.SOURCE_TYPE, services.inspection_completed)
        # After purchasing's demo orders (if any) exist.
        register_demo_seeder("receiving", seed_receiving, order=70)
