"""App configuration for manufacturing."""

from django.apps import AppConfig


class ManufacturingConfig(AppConfig):
    """Manufacturing: bills of materials, work centres, work orders and productivity."""

    name = "valuechain.scm.manufacturing"
    label = "manufacturing"
    verbose_name = "Manufacturing"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.scm.manufacturing.demo import seed_manufacturing

        # After procurement (45): the catalog and stock exist.
        register_demo_seeder("manufacturing", seed_manufacturing, order=50)
