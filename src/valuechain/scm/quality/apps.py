"""App configuration for quality."""

from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Quality: Inspection plans, inspections, holds and release, defect rates."""

    name = "valuechain.scm.quality"
    label = "quality"
    verbose_name = "Quality"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search
        from valuechain.scm.quality import queries
        from valuechain.scm.quality.demo import seed_quality

        for label, url, order in (
            ("Inspections", "quality-inspections", 35),
            ("Inspection plans", "quality-plans", 36),
            ("Defect rates", "quality-defect-rates", 37),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        register_search("inspection", "scm:read", queries.search_inspections)
        # After manufacturing (50): the catalog, stock and suppliers exist.
        register_demo_seeder("quality", seed_quality, order=52)
