"""App configuration for events and webhooks."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Events and webhooks."""

    name = "valuechain.platform.events"
    label = "events"
    verbose_name = "Events and webhooks"
