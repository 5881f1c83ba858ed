"""App configuration for automation."""

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    """Workflow automation: when an event happens and conditions hold, run actions."""

    name = "valuechain.crm.automation"
    label = "automation"
    verbose_name = "Automation"
