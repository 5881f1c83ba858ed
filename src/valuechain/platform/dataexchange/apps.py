"""App configuration for dataexchange."""

from django.apps import AppConfig


class DataexchangeConfig(AppConfig):
    """CSV and Excel import with column mapping and export of list views."""

    name = "valuechain.platform.dataexchange"
    label = "dataexchange"
    verbose_name = "Data exchange"

    def ready(self) -> None:
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        register_menu_item(
            MenuItem("crm", "Import data", "dataexchange-import", "crm:write", order=90)
        )
