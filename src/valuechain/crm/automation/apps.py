"""App configuration for automation."""

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    """Workflow automation: when an event happens and conditions hold, run actions."""

    name = "valuechain.crm.automation"
    label = "automation"
    verbose_name = "Automation"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from valuechain.crm.automation import handlers, tasks  # noqa: F401 - subscribe, jobs
        from valuechain.crm.automation.executor import collect_published_event
        from valuechain.crm.automation.targets import register_builtin_targets
        from valuechain.platform.events.models import OutboxEvent
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_builtin_targets()
        post_save.connect(
            collect_published_event, sender=OutboxEvent, dispatch_uid="automation.caused_events"
        )
        # Rules send e-mails and change records in bulk: the menu shows them to writers.
        register_menu_item(
            MenuItem("crm", "Automation", "automation-rule-list", "crm:write", order=80)
        )
