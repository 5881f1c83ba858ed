"""App configuration for platform kernel."""

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Platform kernel."""

    name = "valuechain.platform"
    label = "platform"
    verbose_name = "Platform kernel"
