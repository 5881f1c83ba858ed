"""App configuration for orders."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Sales orders from every channel, pricing, taxes, states, make-to-order supply, POS."""

    name = "valuechain.scm.orders"
    label = "orders"
    verbose_name = "Orders"
