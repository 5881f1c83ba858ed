"""App configuration for payables."""

from django.apps import AppConfig


class PayablesConfig(AppConfig):
    """Payables: Supplier bills, three-way match, payments and returns to vendor."""

    name = "valuechain.scm.payables"
    label = "payables"
    verbose_name = "Payables"

    def ready(self) -> None:
        from valuechain.platform.ops.demo_registry import register_demo_seeder
        from valuechain.platform.web.registry import MenuItem, register_menu_item
        from valuechain.scm.payables.demo import seed_payables

        for label, url, order in (
            ("Supplier bills", "payables-bills", 24),
            ("Payables due", "payables-aging", 25),
            ("Returns to vendor", "payables-returns", 26),
        ):
            register_menu_item(MenuItem("scm", label, url, "scm:read", order=order))
        # After purchasing, receiving and quality: bills need accepted goods.
        register_demo_seeder("payables", seed_payables, order=58)
