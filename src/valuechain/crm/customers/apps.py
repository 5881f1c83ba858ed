"""App configuration for customers."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers: parties of the CRM."""

    name = "valuechain.crm.customers"
    label = "customers"
    verbose_name = "Customers"
