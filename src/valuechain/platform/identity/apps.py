"""App configuration for identity and access."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Identity and access."""

    name = "valuechain.platform.identity"
    label = "identity"
    verbose_name = "Identity and access"
