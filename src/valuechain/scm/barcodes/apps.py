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
        from valuechain.scm.catalog.panels import register_product_panel

        register_product_panel("label", _label_panel, title="Label", order=90)
        register_modes()
        register_menu_item(MenuItem("scm", "Scan", "barcodes-scan", "scm:read", order=70))
        register_menu_item(MenuItem("scm", "RFID readers", "barcodes-rfid", "scm:read", order=75))


def _label_panel(variant_ids: list[int]) -> str | None:
    """Product page panel: links to each variant's printable label (SVG and PDF)."""
    from django.utils.html import format_html, format_html_join

    if not variant_ids:
        return None
    return format_html(
        '<ul class="link-list">{}</ul>',
        format_html_join(
            "",
            '<li><a href="/scm/labels/variant/{0}.svg">Label {1} (SVG)</a> · '
            '<a href="/scm/labels/variant/{0}.pdf">PDF</a></li>',
            ((pk, index + 1) for index, pk in enumerate(variant_ids)),
        ),
    )
