"""App configuration for leads."""

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    """Leads: capture, duplicate check, scoring, qualification and conversion."""

    name = "valuechain.crm.leads"
    label = "leads"
    verbose_name = "Leads"
