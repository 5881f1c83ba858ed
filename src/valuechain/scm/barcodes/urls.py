"""Pages of barcodes: printable labels, the scan page and reader antennas."""

from django.urls import path

from valuechain.scm.barcodes import views

urlpatterns = [
    path(
        "scm/labels/<slug:kind>/<int:record_id>.<str:fmt>",
        views.label,
        name="barcodes-label",
    ),
]
