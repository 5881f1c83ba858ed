"""App configuration for barcodes."""

from django.apps import AppConfig


class BarcodesConfig(AppConfig):
    """GS1 and EPC decoding, labels, the scan page and RFID tag-read ingest."""

    name = "valuechain.scm.barcodes"
    label = "barcodes"
    verbose_name = "Bar codes"

    def ready(self) -> None:
        from valuechain.scm.barcodes.label_sources import register_sources

        register_sources()
