"""Render a registered label as an HTTP response (shared by the page and the API)."""

from __future__ import annotations

from django.http import HttpResponse

from valuechain.platform.errors import DomainError
from valuechain.scm.barcodes import rendering
from valuechain.scm.barcodes.labels import label_kinds, label_source


def label_response(kind: str, record_id: int, fmt: str) -> HttpResponse:
    """The label of record ``record_id`` of ``kind`` as SVG or PDF; DomainError otherwise."""
    if fmt not in rendering.CONTENT_TYPES:
        raise DomainError(
            "unsupported_format", "Labels come as svg or pdf.", field="format", status=422
        )
    source = label_source(kind)
    if source is None:
        raise DomainError(
            "unknown_label_kind",
            f"No labels for {kind!r}; kinds: {', '.join(label_kinds())}.",
            status=404,
        )
    label = source(record_id)
    if label is None:
        raise DomainError("not_found", f"No {kind} {record_id}.", status=404)
    try:
        body = rendering.render(label, fmt)
    except rendering.LabelError as exc:
        raise DomainError(exc.code, exc.message, status=422) from exc
    response = HttpResponse(body, content_type=rendering.CONTENT_TYPES[fmt])
    filename = f"{kind}-{record_id}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Label-Code"] = label.code_value.encode("ascii", "replace").decode()
    response["X-Label-Symbology"] = label.symbology
    return response
