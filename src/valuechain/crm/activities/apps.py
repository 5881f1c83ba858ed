"""App configuration for activities."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Activities: tasks, calls and meetings with due dates, reminders, my day, inbound e-mail."""

    name = "valuechain.crm.activities"
    label = "activities"
    verbose_name = "Activities"

    def ready(self) -> None:
        from valuechain.crm.activities import tasks  # noqa: F401 - registers the reminder sweep
        from valuechain.crm.activities.demo import seed_activities
        from valuechain.crm.activities.panels import register_panels
        from valuechain.platform.attachments.registry import register_attachable
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_menu_item(MenuItem("crm", "My day", "activities-my-day", "crm:read", order=32))
        register_menu_item(
            MenuItem("crm", "Activities", "activities-activity-list", "crm:read", order=34)
        )
        register_attachable("activities.activity", "crm")
        register_attachable("customers.interaction", "crm")  # inbound e-mail attachments
        register_panels()
        register_demo_seeder("activities", seed_activities, order=20)
