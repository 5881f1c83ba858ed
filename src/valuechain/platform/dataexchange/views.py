"""Pages of dataexchange: the import page (upload, history), one import (mapping, report, run).

Pages need a signed-in member; each importer's permission (e.g. ``crm:write``) decides who
may upload and run, read access to its area who may look at the jobs and their rejects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from valuechain.platform.dataexchange import access, exports, queries, services
from valuechain.platform.dataexchange.forms import MappingForm, UploadForm, mapping_initial
from valuechain.platform.dataexchange.models import ImportJob
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, request_permissions

HISTORY_PER_PAGE = 25
REPORT_PER_PAGE = 50


def _member(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in members with read access to at least one importer's area."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            return forbidden(request, "Your account is not a member of any active tenant.")
        request.permissions = request_permissions(request)  # type: ignore[attr-defined]
        if not access.visible_keys(request.permissions):  # type: ignore[attr-defined]
            return forbidden(request, "Your role may not import or look at any imports.")
        return view(request, *args, **kwargs)

    return wrapped


def _permissions(request: HttpRequest) -> frozenset[str]:
    return frozenset(getattr(request, "permissions", frozenset()))


def _job_or_404(request: HttpRequest, job_id: int) -> ImportJob:
    try:
        return queries.job(job_id, access.visible_keys(_permissions(request)))
    except DomainError as error:
        raise Http404(error.message) from error


@_member
def import_home(request: HttpRequest) -> HttpResponse:
    """/data/import/: upload a file for one of the importers; the import history below."""
    importable = access.importable(_permissions(request))
    form = UploadForm(request.POST or None, request.FILES or None, importers=importable)
    if request.method == "POST":
        if not importable:
            return forbidden(request, "Your role may not import anything.")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.upload(
                    importer_key=form.cleaned_data["importer"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("dataexchange-job", job.pk)
    history = queries.jobs(access.visible_keys(_permissions(request)))
    context = {
        "form": form,
        "importers": importable,
        "page": Paginator(history, HISTORY_PER_PAGE).get_page(request.GET.get("page")),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "dataexchange/import.html", context, status=status)


@_member
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """/data/import/<id>/: map the columns, validate, read the report, run, download rejects."""
    job = _job_or_404(request, job_id)
    importer = services.importer_or_error(job.importer)
    may_run = access.may_import(_permissions(request), importer)
    headers = list(job.headers)
    initial = mapping_initial(headers, dict(job.mapping), job.mode)
    action = request.POST.get("action") if request.method == "POST" else None
    form = MappingForm(
        request.POST if action else None, headers=headers, importer=importer, initial=initial
    )
    if action:
        if not may_run:
            return forbidden(request, f"This needs {importer.permission}.", importer.permission)
        if form.is_valid():
            call = services.run if action == "run" else services.validate
            try:
                done = call(job.pk, mapping=form.mapping(), mode=form.cleaned_data["mode"])
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _summary(done))
                return redirect("dataexchange-job", job.pk)
    show = request.GET.get("show", "rejected")
    report = Paginator(queries.rows(job, None if show == "all" else "rejected"), REPORT_PER_PAGE)
    page = report.get_page(request.GET.get("page"))
    columns = {name: header for header, name in job.mapping.items()}
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.column = columns.get(row.field, row.field)  # type: ignore[attr-defined]
    context = {
        "job": job,
        "importer": importer,
        "form": form,
        "may_run": may_run and job.status != "imported",
        "show": show,
        "page": page,
    }
    status = 422 if action else 200
    return render(request, "dataexchange/job.html", context, status=status)


def _summary(job: ImportJob) -> str:
    counts = (
        f"{job.created_count} new, {job.updated_count} updated, "
        f"{job.unchanged_count} unchanged, {job.rejected_count} rejected"
    )
    if job.status == "validated":
        return f"Checked {job.total_rows} rows: {counts}. Nothing is imported yet."
    if job.status == "failed":
        return f"Nothing was imported because {job.rejected_count} rows failed ({counts})."
    return f"Imported: {counts}."


@_member
def rejects(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """/data/import/<id>/rejects/?format=csv|xlsx: the rejected rows with an error column."""
    job = _job_or_404(request, job_id)
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        raise Http404("Download as csv or xlsx.")
    try:
        headers, rows = services.rejects_table(job)
    except DomainError as error:
        raise Http404(error.message) from error
    return exports.table_response(headers, rows, fmt, f"rejects-{job.pk}")
