"""App configuration for returns."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """Customer returns (RMA): authorisation, receipt, inspection, disposition, refunds;
    registers its menu entry and demo data."""

    name = "valuechain.scm.returns"
    label = "returns"
    verbose_name = "Returns"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item
        from valuechain.scm.returns.demo import seed_returns

        register_menu_item(
            MenuItem("scm", "Customer returns", "returns-list", "orders:read", order=63)
        )
        register_demo_seeder("returns", seed_returns, order=65)
