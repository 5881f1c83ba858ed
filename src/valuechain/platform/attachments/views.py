"""Pages of attachments: the upload and delete targets of the attachments panel.

htmx requests get the refreshed panel; plain form posts go back to the page they came
from, or, when the upload was refused, get a page showing the panel with the error.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from valuechain.platform.attachments import queries, services
from valuechain.platform.attachments.forms import UploadForm
from valuechain.platform.attachments.models import Attachment
from valuechain.platform.attachments.panel import panel_context
from valuechain.platform.attachments.registry import check_permission
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, request_permissions


def _back(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return "/"


def _guard(request: HttpRequest, label: str, level: str) -> HttpResponse | None:
    if not request.user.is_authenticated or getattr(request, "membership", None) is None:
        return forbidden(request, "Sign in as a member of a tenant.")
    request.permissions = request_permissions(request)  # type: ignore[attr-defined]
    try:
        check_permission(request.permissions, label, level)  # type: ignore[attr-defined]
    except DomainError as error:
        return HttpResponse(error.message, status=error.status)
    except PermissionDenied as error:
        return forbidden(request, str(error), needed=f"{label}:{level}")
    return None


def _panel(
    request: HttpRequest,
    label: str,
    target_id: str,
    form: UploadForm | None,
    notice: str,
    status: int,
) -> HttpResponse:
    context = panel_context(request, label, target_id, form, notice)
    if request.headers.get("HX-Request"):
        return render(request, "attachments/_panel.html", context, status=status)
    if status >= 400:
        context["back_url"] = _back(request)
        return render(request, "attachments/upload.html", context, status=status)
    return redirect(_back(request))


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """POST target, target_id, file: store it on the record or show why not."""
    label = request.POST.get("target", "")
    target_id = request.POST.get("target_id", "")
    refused = _guard(request, label, "write")
    if refused is not None:
        return refused
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            services.attach(
                label, target_id, upload_file, upload_file.name, declared_size=upload_file.size
            )
        except DomainError as error:
            if error.code == "unknown_target":
                raise Http404("No such record.") from error
            form.add_domain_error(error)
        else:
            return _panel(request, label, target_id, None, f"{upload_file.name} attached.", 200)
    return _panel(request, label, target_id, form, "", 422)


@require_POST
def delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """POST: delete one attachment."""
    try:
        row = queries.attachment(attachment_id)
    except Attachment.DoesNotExist as exc:
        raise Http404("No such attachment.") from exc
    refused = _guard(request, row.target_label, "write")
    if refused is not None:
        return refused
    label, target_id, name = row.target_label, row.target_id, row.filename
    services.delete_attachment(row.pk)
    return _panel(request, label, target_id, None, f"{name} deleted.", 200)
