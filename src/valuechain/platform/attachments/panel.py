"""What the attachments panel shows for one record; shared by the template tag and views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from valuechain.platform.attachments import queries
from valuechain.platform.attachments.forms import UploadForm
from valuechain.platform.attachments.registry import attachable
from valuechain.platform.identity.domain import allows

PANEL_LIMIT = 50


def panel_context(
    request: HttpRequest | None,
    model_label: str,
    object_id: Any,
    form: UploadForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """The record's attachments, the upload form and whether the member may change them."""
    entry = attachable(model_label)
    permissions: frozenset[str] = (
        getattr(request, "permissions", frozenset()) if request else frozenset()
    )
    return {
        "request": request,
        "target": entry.model_label,
        "target_id": str(object_id),
        "panel_id": f"attachments-{entry.model_label.replace('.', '-')}-{object_id}",
        "rows": list(queries.for_target(entry.model_label, object_id)[:PANEL_LIMIT]),
        "form": form or UploadForm(),
        "can_read": allows(permissions, entry.area, "read"),
        "can_write": allows(permissions, entry.area, "write"),
        "upload_url": reverse("attachments-upload"),
        "notice": notice,
        "open_panel": form is not None and bool(form.errors),
    }
