"""App configuration for territories."""

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    """Territories: geography and segment rules, teams, assignment and record rules."""

    name = "valuechain.crm.territories"
    label = "territories"
    verbose_name = "Territories"

    def ready(self) -> None:
        from valuechain.crm.territories.demo import seed_territories
        from valuechain.crm.territories.rules import register_rules
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_rules()
        register_menu_item(MenuItem("crm", "Territories", "territories-list", "crm:read", order=80))
        register_demo_seeder("territories", seed_territories, order=20)
