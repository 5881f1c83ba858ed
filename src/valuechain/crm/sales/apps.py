"""App configuration for sales."""

from django.apps import AppConfig


class SalesConfig(AppConfig):
    """Sales: pipelines, stages, opportunities and the sales forecast; registers its menu
    entries, search, 360° panel and key figures, and the demo seeder."""

    name = "valuechain.crm.sales"
    label = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from valuechain.crm.customers.panels import (
            KeyFigures,
            Panel,
            TimelineSource,
            register_key_figures,
            register_panel,
            register_timeline_source,
        )
        from valuechain.crm.sales import queries
        from valuechain.crm.sales.customer360 import opportunity_entries
        from valuechain.crm.sales.demo import seed_sales
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search

        register_menu_item(
            MenuItem("crm", "Opportunities", "sales-opportunity-list", "crm:read", order=40)
        )
        register_menu_item(
            MenuItem("crm", "Pipeline board", "sales-board-default", "crm:read", order=41)
        )
        register_menu_item(MenuItem("crm", "Forecast", "sales-forecast", "crm:read", order=42))
        register_menu_item(
            MenuItem("crm", "Pipelines and stages", "sales-settings", "crm:read", order=43)
        )
        register_search("opportunity", "crm:read", queries.search_opportunities)
        register_panel(
            Panel(
                key="open_opportunities",
                title="Open opportunities",
                template="sales/_panel_opportunities.html",
                load=queries.panel_open_opportunities,
                order=30,
            )
        )
        register_key_figures(
            KeyFigures(key="sales", provide=queries.key_figures_open_pipeline, order=30)
        )
        register_timeline_source(TimelineSource("opportunity", opportunity_entries))
        register_demo_seeder("sales", seed_sales, order=30)
