"""App configuration for platform kernel."""

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """Platform kernel: money, FX rates, document numbers, idempotency."""

    name = "valuechain.platform"
    label = "platform"
    verbose_name = "Platform kernel"

    def ready(self) -> None:
        """Put the kernel's settings pages in the admin menu."""
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_menu_item(MenuItem("admin", "FX rates", "platform-fx-rates", "admin:read", 60))
        register_menu_item(
            MenuItem("admin", "Number sequences", "platform-sequences", "admin:read", 70)
        )
