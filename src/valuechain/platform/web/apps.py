"""App configuration for web shell."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Web shell."""

    name = "valuechain.platform.web"
    label = "web"
    verbose_name = "Web shell"
