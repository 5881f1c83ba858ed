"""API routes of barcodes (scm area): labels, scans for handheld apps, RFID tag reads."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from valuechain.platform.api import area_router
from valuechain.scm.barcodes.printing import label_response

router = area_router("scm", tags=["barcodes"])


@router.get(
    "/labels/{kind}/{record_id}",
    summary="Get a printable label",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The label",
                "content": {"image/svg+xml": {}, "application/pdf": {}},
            }
        }
    },
)
def get_label(request: HttpRequest, kind: str, record_id: int, format: str = "svg") -> HttpResponse:
    """The label of a record (kind ``variant``, ``product``, ``location``, ``package``…) as
    SVG or PDF (``format=svg|pdf``)."""
    return label_response(kind, record_id, format)
