"""App configuration for dataexchange."""

from django.apps import AppConfig


class DataexchangeConfig(AppConfig):
    """CSV and Excel import with column mapping and export of list views."""

    name = "valuechain.platform.dataexchange"
    label = "dataexchange"
    verbose_name = "Data exchange"
