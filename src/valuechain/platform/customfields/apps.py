"""App configuration for custom fields."""

from django.apps import AppConfig


class CustomfieldsConfig(AppConfig):
    """Tenant-defined custom fields: the settings page in the admin menu."""

    name = "valuechain.platform.customfields"
    label = "customfields"
    verbose_name = "Custom fields"

    def ready(self) -> None:
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_menu_item(
            MenuItem("admin", "Custom fields", "custom-field-list", "admin:read", order=60)
        )
