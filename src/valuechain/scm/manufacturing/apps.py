"""App configuration for manufacturing."""

from django.apps import AppConfig


class ManufacturingConfig(AppConfig):
    """Manufacturing: bills of materials, work centres, work orders and productivity."""

    name = "valuechain.scm.manufacturing"
    label = "manufacturing"
    verbose_name = "Manufacturing"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.manufacturing import queries
        from valuechain.scm.manufacturing.demo import seed_manufacturing

        for label, url, order in (
            ("Work orders", "manufacturing-work-orders", 30),
            ("Bills of materials", "manufacturing-boms", 31),
            ("Work centres", "manufacturing-work-centres", 32),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        register_search("work order", "scm:read", queries.search_work_orders)
        # After procurement (45): the catalog and stock exist.
        register_demo_seeder("manufacturing", seed_manufacturing, order=50)
