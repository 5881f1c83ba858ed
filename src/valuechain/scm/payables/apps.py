"""App configuration for payables."""

from django.apps import AppConfig


class PayablesConfig(AppConfig):
    """Payables: Supplier bills, three-way match, payments and returns to vendor."""

    name = "valuechain.scm.payables"
    label = "payables"
    verbose_name = "Payables"
