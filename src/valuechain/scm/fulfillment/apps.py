"""App configuration for fulfillment."""

from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    """Pick lists, packing into packages, shipments."""

    name = "valuechain.scm.fulfillment"
    label = "fulfillment"
    verbose_name = "Fulfillment"
