"""App configuration for operations."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations."""

    name = "valuechain.platform.ops"
    label = "ops"
    verbose_name = "Operations"
