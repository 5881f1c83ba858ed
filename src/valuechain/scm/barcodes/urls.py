"""Pages of barcodes: printable labels, the scan page and reader antennas."""

from django.urls import path

from valuechain.scm.barcodes import views

urlpatterns = [
    path(
        "scm/labels/<slug:kind>/<int:record_id>.<str:fmt>",
        views.label,
        name="barcodes-label",
    ),
    path("scm/scan/", views.scan_page, name="barcodes-scan"),
    path("scm/scan/submit/", views.scan_submit, name="barcodes-scan-submit"),
    path("scm/scan/mode/", views.scan_set_mode, name="barcodes-scan-mode"),
    path("scm/scan/reset/", views.scan_reset, name="barcodes-scan-reset"),
    path("scm/rfid/", views.rfid_page, name="barcodes-rfid"),
    path("scm/rfid/antennas/", views.antenna_save, name="barcodes-antenna-save"),
    path(
        "scm/rfid/antennas/<int:antenna_id>/delete/",
        views.antenna_delete,
        name="barcodes-antenna-delete",
    ),
]
