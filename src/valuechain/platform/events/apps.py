"""App configuration for events and webhooks."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Events and webhooks: loads every app's handlers, the jobs, the menu and search entries."""

    name = "valuechain.platform.events"
    label = "events"
    verbose_name = "Events and webhooks"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from valuechain.platform.events import queries, tasks  # noqa: F401 - registers the jobs
        from valuechain.platform.web.registry import (
            MenuItem,
            register_menu_item,
            register_search,
        )

        autodiscover_modules("handlers")  # every context's @subscribe handlers
        register_menu_item(MenuItem("admin", "Webhooks", "webhook-list", "admin:read", order=70))
        register_search("webhook", "admin:read", queries.search_endpoints)
