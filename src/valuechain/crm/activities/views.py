"""Pages of activities: my day, the list, one activity, the create and edit forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from valuechain.crm.activities import domain, queries, services
from valuechain.crm.activities.exports import ACTIVITY_COLUMNS
from valuechain.crm.activities.forms import ActivityFilterForm, ActivityForm, CompleteForm
from valuechain.crm.activities.models import Activity
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated

PER_PAGE = 50
ACTIONS: dict[str, Callable[[int], Activity]] = {
    "complete": services.complete_activity,
    "cancel": services.cancel_activity,
    "reopen": services.reopen_activity,
}
EDIT_FIELDS = (
    "subject",
    "description",
    "priority",
    "due_at",
    "starts_at",
    "ends_at",
    "reminder_at",
    "person_id",
    "account_id",
    "related_id",
)


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "crm", "write")


def _activity(activity_id: int) -> Activity:
    try:
        return queries.activity(activity_id)
    except Activity.DoesNotExist as exc:
        raise Http404("No such activity.") from exc


def _my_day_context(request: HttpRequest) -> dict[str, Any]:
    day = queries.my_day(int(request.user.pk or 0))
    return {
        "day": day,
        "can_write": _can_write(request),
        "time_zone": timezone.get_current_timezone_name(),
        "now": timezone.now(),
    }


@requires("crm", "read")
def my_day(request: HttpRequest) -> HttpResponse:
    """/crm/my-day/: your overdue and due tasks, today's meetings, what you did today."""
    template = (
        "activities/_my_day.html" if request.headers.get("HX-Request") else "activities/my_day.html"
    )
    return render(request, template, _my_day_context(request))


def _list_filters(request: HttpRequest, form: ActivityFilterForm) -> queries.ActivityFilters:
    data = form.cleaned_data if form.is_valid() else {}
    tz = timezone.get_current_timezone()
    due_from = data.get("due_from")
    due_to = data.get("due_to")
    return queries.ActivityFilters(
        kind=data.get("kind") or None,
        status=data.get("status") or None,
        assignee=data.get("assignee") or None,
        due=data.get("due") or None,
        due_from=domain.day_bounds(due_from, tz)[0] if due_from else None,
        due_to=domain.day_bounds(due_to, tz)[0] if due_to else None,
        q=data.get("q") or None,
        me_id=request.user.pk,
    )


@requires("crm", "read")
def activity_list(request: HttpRequest) -> HttpResponse:
    """/crm/activities/: every activity, filtered by kind, status, assignee and due date."""
    shown = request.GET.copy()  # the list's own parameters: an export keeps the open default
    fmt = shown.pop("export", [""])[-1]
    params = shown if shown else {"status": "open"}
    form = ActivityFilterForm(params)
    rows = queries.activities(_list_filters(request, form))
    sort = form.cleaned_data.get("sort") if form.is_valid() else ""
    if sort:
        rows = rows.order_by(sort, "pk")
    if fmt in FORMATS:  # every filtered row, not only the page
        return export_response(rows, ACTIVITY_COLUMNS, fmt, "activities")  # type: ignore[return-value]
    page = paginated(request, rows, PER_PAGE)
    return render(
        request,
        "activities/activity_list.html",
        {"form": form, "page": page, "can_write": _can_write(request), "now": timezone.now()},
    )


@requires("crm", "read")
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    """/crm/activities/ID/: one activity with its actions and attachments."""
    activity = _activity(activity_id)
    return render(
        request,
        "activities/activity_detail.html",
        {"activity": activity, "complete_form": CompleteForm(), "can_write": _can_write(request)},
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    """Prefill from links such as ``?kind=call&person_id=4`` on a customer page."""
    initial: dict[str, Any] = {"assignee_id": str(request.user.pk)}
    for name in ("kind", "person_id", "account_id", "related_type", "related_id", "subject"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


@requires("crm", "write")
def activity_create(request: HttpRequest) -> HttpResponse:
    """/crm/activities/new/: plan a task, call or meeting, or write a note."""
    form = ActivityForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.create_activity(form.service_data())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("activities-activity-detail", activity.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "title": "New activity"},
        status=status,
    )


def _edit_initial(activity: Activity) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(activity, name) for name in EDIT_FIELDS}
    for name in ("due_at", "starts_at", "ends_at", "reminder_at"):
        value: dt.datetime | None = initial[name]
        initial[name] = timezone.localtime(value) if value else None
    initial["assignee_id"] = str(activity.assignee_id or "")
    related = activity.related_type
    initial["related_type"] = f"{related.app_label}.{related.model}" if related else ""
    return initial


@requires("crm", "write")
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    """/crm/activities/ID/edit/: change an activity (not its kind)."""
    activity = _activity(activity_id)
    form = ActivityForm(request.POST or None, initial=_edit_initial(activity), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(activity.pk, form.service_data())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("activities-activity-detail", activity.pk)
    status = 422 if request.method == "POST" else 200
    context = {
        "form": form,
        "title": f"Edit {activity.kind}: {activity.subject}",
        "activity": activity,
    }
    return render(request, "activities/activity_form.html", context, status=status)


@requires("crm", "write")
def activity_action(request: HttpRequest, activity_id: int, action: str) -> HttpResponse:
    """POST complete, cancel or reopen; from my day (htmx) the day is redrawn."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    activity = _activity(activity_id)
    if request.method != "POST":
        return redirect("activities-activity-detail", activity.pk)
    error: DomainError | None = None
    try:
        if action == "complete":
            form = CompleteForm(request.POST)
            outcome = form.cleaned_data.get("outcome") if form.is_valid() else None
            services.complete_activity(activity.pk, outcome=outcome or None)
        else:  # cancel or reopen
            ACTIONS[action](activity.pk)
    except DomainError as exc:
        error = exc
    if request.headers.get("HX-Request") and request.POST.get("from") == "my-day":
        context = _my_day_context(request)
        context["error"] = error
        return render(request, "activities/_my_day.html", context, status=409 if error else 200)
    if error is not None:
        context = {
            "activity": _activity(activity.pk),
            "complete_form": CompleteForm(request.POST),
            "can_write": True,
            "error": error,
        }
        return render(request, "activities/activity_detail.html", context, status=error.status)
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("activities-activity-detail", activity.pk)
