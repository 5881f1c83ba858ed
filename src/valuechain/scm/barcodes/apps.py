"""App configuration for barcodes."""

from django.apps import AppConfig


class BarcodesConfig(AppConfig):
    """GS1 and EPC decoding, labels, the scan page and RFID tag-read ingest."""

    name = "valuechain.scm.barcodes"
    label = "barcodes"
    verbose_name = "Bar codes"

    def ready(self) -> None:
        from valuechain.platform.web.registry import MenuItem, register_menu_item
        from valuechain.scm.barcodes.label_sources import register_sources
        from valuechain.scm.barcodes.scan import register_modes

        register_sources()
        register_modes()
        register_menu_item(MenuItem("scm", "Scan", "barcodes-scan", "scm:read", order=70))
        register_menu_item(MenuItem("scm", "RFID readers", "barcodes-rfid", "scm:read", order=75))
