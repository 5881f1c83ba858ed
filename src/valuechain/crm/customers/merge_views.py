"""Pages of duplicates and merges: candidate list, side-by-side review, merge history, undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from valuechain.crm.customers import duplicates, merging, queries
from valuechain.crm.customers.exports import DUPLICATE_COLUMNS
from valuechain.crm.customers.merge_models import MergeRecord
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.dataexchange.exports import FORMATS, export_response
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import forbidden, requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated

PER_PAGE = 50
KIND_CHOICES = [("", "People and accounts"), ("person", "People"), ("account", "Accounts")]
STATUS_CHOICES = [("open", "To review"), ("dismissed", "Not duplicates"), ("merged", "Merged")]
SORT_CHOICES = [("-score", "Best score first"), ("score", "Lowest score first")]
REASON_LABELS = {
    "same_email": "same e-mail",
    "same_phone": "same phone",
    "same_domain": "same website",
    "same_name": "same name",
    "similar_name": "similar name",
}
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "account": "Account",
    "job_title": "Job title",
    "owner": "Owner",
    "name": "Name",
    "legal_name": "Legal name",
    "website": "Website",
    "industry": "Industry",
    "size_band": "Size",
    "parent": "Parent account",
}


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "crm", "write")


def _choice(value: str | None, choices: list[tuple[str, str]]) -> str:
    return value if value in dict(choices) else choices[0][0]


def _duplicate_items(rows: Any) -> list[dict[str, Any]]:
    """Candidates with the two parties the member may see (two queries) and reason labels."""
    parties = duplicates.parties_of(rows)
    return [
        {
            "candidate": row,
            "first": parties.get((row.kind, row.first_id)),
            "second": parties.get((row.kind, row.second_id)),
            "reasons": [REASON_LABELS.get(reason, reason) for reason in row.reasons],
        }
        for row in rows
    ]


@requires("crm", "read")
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """/crm/duplicates/: likely duplicate pairs with kind and status filters, by score."""
    kind = _choice(request.GET.get("kind"), KIND_CHOICES)
    status = _choice(request.GET.get("status"), STATUS_CHOICES)
    sort = _choice(request.GET.get("sort"), SORT_CHOICES)
    rows = duplicates.candidates(kind or None, status).order_by(sort, "first_id", "second_id")
    if request.GET.get("export") in FORMATS:  # every filtered row, not only the page
        every = _duplicate_items(list(rows))
        return export_response(every, DUPLICATE_COLUMNS, request.GET["export"], "duplicates")  # type: ignore[return-value]
    page = paginated(request, rows, PER_PAGE)
    items = _duplicate_items(page.object_list)
    context = {
        "page": page,
        "items": items,
        "kind": kind,
        "status": status,
        "sort": sort,
        "kinds": KIND_CHOICES,
        "statuses": STATUS_CHOICES,
        "sorts": SORT_CHOICES,
        "can_write": _can_write(request),
    }
    return render(request, "customers/duplicates_list.html", context)


@requires("crm", "write")
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """POST: scan people and accounts now (large tenants use `valuechain duplicates scan`)."""
    if request.method != "POST":
        return redirect("customers-duplicate-list")
    found = [duplicates.scan(kind) for kind in ("person", "account")]
    summary = ", ".join(f"{result.found} {result.kind} pairs" for result in found)
    messages.success(request, f"Scan finished: {summary}.")
    return redirect("customers-duplicate-list")


@requires("crm", "write")
def duplicate_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """POST: mark a pair as not a duplicate."""
    if request.method == "POST":
        try:
            duplicates.dismiss(candidate_id)
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.message) from error
            messages.error(request, error.message)
        else:
            messages.success(request, "Marked as not a duplicate.")
    return redirect(reverse("customers-duplicate-list") + "?" + request.GET.urlencode())


def _party(kind: str, party_id: int) -> Account | Person:
    try:
        return queries.person(party_id) if kind == "person" else queries.account(party_id)
    except (Account.DoesNotExist, Person.DoesNotExist) as exc:
        raise Http404(f"No such {kind}.") from exc


def _shown(party: Any, name: str) -> str:
    value = getattr(party, name)
    return "" if value is None else str(value)


def _field_rows(kind: str, survivor: Any, loser: Any, chosen: dict[str, str]) -> list[Any]:
    rows = []
    for name in merging.MERGEABLE_FIELDS[kind]:
        left, right = _shown(survivor, name), _shown(loser, name)
        rows.append(
            {
                "name": name,
                "label": FIELD_LABELS.get(name, name),
                "survivor": left,
                "loser": right,
                "differs": left != right,
                "choice": chosen.get(name, "survivor"),
            }
        )
    return rows


def _contact_rows(survivor: Any, loser: Any) -> list[dict[str, str]]:
    def listed(party: Any, rows: Any) -> str:
        return ", ".join(str(row) for row in rows(party)) or "—"

    return [
        {
            "label": "E-mails",
            "survivor": listed(survivor, queries.emails),
            "loser": listed(loser, queries.emails),
        },
        {
            "label": "Phones",
            "survivor": listed(survivor, queries.phones),
            "loser": listed(loser, queries.phones),
        },
        {
            "label": "Tags (kept together)",
            "survivor": ", ".join(t.name for t in survivor.tags.all()) or "—",
            "loser": ", ".join(t.name for t in loser.tags.all()) or "—",
        },
        {
            "label": "Lifecycle stage (the kept one's stays)",
            "survivor": survivor.get_lifecycle_stage_display(),
            "loser": loser.get_lifecycle_stage_display(),
        },
    ]


def _count_rows(survivor: Any, loser: Any) -> list[dict[str, Any]]:
    left, right = merging.related_counts(survivor), merging.related_counts(loser)
    return [
        {"label": label, "survivor": left.get(label, 0), "loser": right.get(label, 0)}
        for label in sorted(set(left) | set(right))
    ]


@requires("crm", "read")
def merge_review(request: HttpRequest, kind: str, survivor_id: int, loser_id: int) -> HttpResponse:
    """/crm/merge/<kind>/<survivor>/<loser>/: both records side by side; POST merges them."""
    if kind not in merging.MODELS or survivor_id == loser_id:
        raise Http404("Choose two different people or accounts.")
    survivor, loser = _party(kind, survivor_id), _party(kind, loser_id)
    chosen: dict[str, str] = {}
    error: DomainError | None = None
    if request.method == "POST":
        if not _can_write(request):
            return forbidden(request, "Merging needs write access to the CRM.", "crm:write")
        chosen = {
            name: request.POST.get(f"field_{name}", "survivor")
            for name in merging.MERGEABLE_FIELDS[kind]
        }
        try:
            record = merging.merge_parties(kind, survivor.pk, loser.pk, chosen)
        except DomainError as caught:
            error = caught
        else:
            messages.success(
                request,
                f"Merged {record.loser_label} into {record.survivor_label}. "
                "You can undo it from the merge history.",
            )
            return redirect(f"customers-{kind}-detail", survivor.pk)
    context = {
        "kind": kind,
        "survivor": survivor,
        "loser": loser,
        "fields": _field_rows(kind, survivor, loser, chosen),
        "contacts": _contact_rows(survivor, loser),
        "counts": _count_rows(survivor, loser),
        "error": error,
        "error_field": (error.details.get("field") or "") if error else "",
        "can_write": _can_write(request),
        "swap_url": reverse("customers-merge-review", args=[kind, loser.pk, survivor.pk]),
    }
    return render(request, "customers/merge_review.html", context, status=422 if error else 200)


@requires("crm", "read")
def merge_list(request: HttpRequest) -> HttpResponse:
    """/crm/merges/: the merge history, newest first, with undo buttons."""
    rows = MergeRecord.objects.select_related("merged_by", "undone_by").order_by(
        "-merged_at", "-pk"
    )
    page = paginated(request, rows, PER_PAGE)
    context = {"page": page, "can_write": _can_write(request)}
    return render(request, "customers/merge_list.html", context)


@requires("crm", "write")
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    """POST: undo a merge; the reason is shown when it cannot be undone."""
    if request.method == "POST":
        try:
            record = merging.undo_merge(merge_id)
        except DomainError as error:
            if error.status == 404:
                raise Http404(error.message) from error
            messages.error(request, error.message)
        else:
            messages.success(request, f"{record.loser_label} is back.")
    return redirect("customers-merge-list")
