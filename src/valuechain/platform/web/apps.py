"""App configuration for web shell."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Web shell."""

    name = "valuechain.platform.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        """Register the shell's own menu entry and search provider."""
        from valuechain.platform.web.queries import search_members
        from valuechain.platform.web.registry import (
            MenuItem,
            register_menu_item,
            register_search,
        )

        register_menu_item(
            MenuItem(
                area="admin",
                label="Back office (Django admin)",
                url_name="tenant_admin:index",
                permission="admin:write",
                order=900,
            )
        )
        register_search("Members", "admin:read", search_members)
