"""Pages of barcodes: printable labels, the scan page (htmx) and the RFID antenna map."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.scm.barcodes.printing import label_response


@requires("scm", "read")
def label(request: HttpRequest, kind: str, record_id: int, fmt: str) -> HttpResponse:
    """/scm/labels/<kind>/<id>.svg|.pdf: a printable label of a variant, product, location or
    package (any registered kind)."""
    try:
        return label_response(kind, record_id, fmt)
    except DomainError as error:
        if error.status == 404 or error.code == "unsupported_format":
            raise Http404(error.message) from error
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
