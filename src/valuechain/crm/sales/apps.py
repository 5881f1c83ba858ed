"""App configuration for sales."""

from django.apps import AppConfig


class SalesConfig(AppConfig):
    """Sales: pipelines, stages, opportunities and the sales forecast."""

    name = "valuechain.crm.sales"
    label = "sales"
    verbose_name = "Sales"
