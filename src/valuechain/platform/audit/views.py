"""Pages of the audit trail: the tenant's audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from valuechain.platform.audit import queries
from valuechain.platform.audit.forms import AuditFilterForm
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.identity.decorators import requires

PAGE_SIZE = 50


@requires("admin", "read")
def audit_log(request: HttpRequest) -> HttpResponse:
    """/settings/audit/: every change in the tenant, filterable, newest first, paginated."""
    form = AuditFilterForm(request.GET)
    entries = AuditEntry.objects.none()
    if form.is_valid():
        entries = queries.audit_entries(**form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page})
