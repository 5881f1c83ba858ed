"""App configuration for territories."""

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    """Territories: geography and segment rules, teams, assignment and record rules."""

    name = "valuechain.crm.territories"
    label = "territories"
    verbose_name = "Territories"
