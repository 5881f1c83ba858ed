"""App configuration for returns."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """Customer returns (RMA): authorisation, receipt, inspection, disposition, refunds;
    registers its menu entry and search."""

    name = "valuechain.scm.returns"
    label = "returns"
    verbose_name = "Returns"

    def ready(self) -> None:
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_menu_item(
            MenuItem("scm", "Customer returns", "returns-list", "orders:read", order=63)
        )
