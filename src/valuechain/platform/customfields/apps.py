"""App configuration for custom fields."""

from django.apps import AppConfig


class CustomfieldsConfig(AppConfig):
    """Tenant-defined custom fields."""

    name = "valuechain.platform.customfields"
    label = "customfields"
    verbose_name = "Custom fields"
