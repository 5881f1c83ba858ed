"""App configuration for leads."""

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """Leads: capture, duplicate check, scoring, qualification and conversion."""

    name = "valuechain.crm.leads"
    label = "leads"
    verbose_name = "Leads"

    def ready(self) -> None:
        from valuechain.crm.leads import queries
        from valuechain.crm.leads.demo import seed_leads
        from valuechain.platform.customfields.registry import register_target
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item, register_search

        register_menu_item(MenuItem("crm", "Leads", "leads-lead-list", "crm:read", order=5))
        register_search("lead", "crm:read", queries.search_leads)
        register_target("leads.lead", "Lead")
        register_demo_seeder("leads", seed_leads, order=20)
