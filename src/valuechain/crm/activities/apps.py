"""App configuration for activities."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Activities: tasks, calls and meetings with due dates, reminders, my day, inbound e-mail."""

    name = "valuechain.crm.activities"
    label = "activities"
    verbose_name = "Activities"
