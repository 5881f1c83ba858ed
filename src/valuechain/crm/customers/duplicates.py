"""Finding duplicates: scan the tenant's people or accounts for likely pairs, list, dismiss.

A scan reads only narrow columns (ids, names, e-mails, phones, websites) in a few queries,
blocks them in memory (dedupe_domain) and stores the pairs as DuplicateCandidate rows with
bulk writes. Pairs a user dismissed stay dismissed across scans; pairs no longer found are
removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from valuechain.crm.customers import dedupe_domain
from valuechain.crm.customers.merge_models import MERGE_KINDS, DuplicateCandidate
from valuechain.crm.customers.models import Account, EmailAddress, Person, PhoneNumber
from valuechain.platform.audit.models import AuditEntry
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.identity.record_rules import restrict
from valuechain.platform.tenancy.context import current, require_tenant_id

BATCH = 2000
CANDIDATE_SORTS = ("score", "scanned_at", "first_id")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: pairs in all, new ones, ones kept dismissed, stale ones removed."""

    kind: str
    scanned: int
    found: int
    created: int
    updated: int
    removed: int
    dismissed_kept: int


def _contact_rows(model: Any, party: str, column: str) -> Iterable[tuple[str, int]]:
    return model.objects.filter(**{f"{party}__isnull": False}).values_list(column, party + "_id")


def find_people(progress: Progress | None = None) -> tuple[int, list[dedupe_domain.Candidate]]:
    """People sharing an e-mail or phone, or with similar names in the same block."""
    found = dedupe_domain.CandidateSet()
    found.add_groups(_contact_rows(EmailAddress, "person", "email"), "same_email")
    found.add_groups(_contact_rows(PhoneNumber, "person", "number"), "same_phone")
    rows = Person.objects.values_list("pk", "first_name", "last_name").iterator(chunk_size=BATCH)
    people = [(pk, first, last, dedupe_domain.person_name(first, last)) for pk, first, last in rows]
    if progress:
        progress(f"{len(people)} people read; comparing names")
    for block in (dedupe_domain.person_block, dedupe_domain.person_prefix_block):
        found.add_similar_names((block(first, last), pk, name) for pk, first, last, name in people)
    return len(people), found.ranked()


def find_accounts(progress: Progress | None = None) -> tuple[int, list[dedupe_domain.Candidate]]:
    """Accounts with similar names (legal forms ignored), the same website or shared contacts."""
    found = dedupe_domain.CandidateSet()
    found.add_groups(_contact_rows(EmailAddress, "account", "email"), "same_email")
    found.add_groups(_contact_rows(PhoneNumber, "account", "number"), "same_phone")
    rows = list(Account.objects.values_list("pk", "name", "website").iterator(chunk_size=BATCH))
    found.add_groups(
        ((dedupe_domain.website_domain(site), pk) for pk, _, site in rows), "same_domain"
    )
    if progress:
        progress(f"{len(rows)} accounts read; comparing names")
    names = [(pk, name, dedupe_domain.company_name(name)) for pk, name, _ in rows]
    for block in (dedupe_domain.company_block, dedupe_domain.company_prefix_block):
        found.add_similar_names((block(name), pk, folded) for pk, name, folded in names)
    return len(rows), found.ranked()


def _check_kind(kind: str) -> str:
    if kind not in MERGE_KINDS:
        raise DomainError("invalid_kind", "Choose person or account.", field="kind")
    return kind


@transaction.atomic
def scan(kind: str, progress: Progress | None = None) -> ScanResult:
    """Find the tenant's likely duplicates of one kind and store them as candidates."""
    kind = _check_kind(kind)
    finder = find_people if kind == "person" else find_accounts
    scanned, candidates = finder(progress)
    if progress:
        progress(f"{len(candidates)} likely pairs among {scanned} {kind} records")
    existing = {
        (row.first_id, row.second_id): row
        for row in DuplicateCandidate.objects.filter(kind=kind).iterator(chunk_size=BATCH)
    }
    now = timezone.now()
    tenant_id = require_tenant_id()
    new_rows, changed, seen = [], [], set()
    kept_dismissed = 0
    for candidate in candidates:
        key = (candidate.first_id, candidate.second_id)
        seen.add(key)
        row = existing.get(key)
        if row is None:
            new_rows.append(
                DuplicateCandidate(
                    tenant_id=tenant_id,  # bulk_create skips save(), which stamps it
                    kind=kind,
                    first_id=key[0],
                    second_id=key[1],
                    score=candidate.score,
                    reasons=candidate.reasons,
                    scanned_at=now,
                )
            )
            continue
        kept_dismissed += row.status == "dismissed"
        row.score, row.reasons, row.scanned_at = candidate.score, candidate.reasons, now
        if row.status == "merged":
            row.status = "open"  # both exist again (a merge was undone)
        changed.append(row)
    DuplicateCandidate.objects.bulk_create(new_rows, batch_size=BATCH)
    DuplicateCandidate.objects.bulk_update(
        changed, ["score", "reasons", "scanned_at", "status"], batch_size=BATCH
    )
    stale = [row.pk for key, row in existing.items() if key not in seen]
    for start in range(0, len(stale), BATCH):
        DuplicateCandidate.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    result = ScanResult(
        kind=kind,
        scanned=scanned,
        found=len(candidates),
        created=len(new_rows),
        updated=len(changed),
        removed=len(stale),
        dismissed_kept=kept_dismissed,
    )
    publish("DuplicatesScanned", result.__dict__)
    return result


def candidates(kind: str | None = None, status: str | None = "open") -> QuerySet[Any]:
    """Candidate pairs, best first (open ones unless another status is asked for)."""
    rows = DuplicateCandidate.objects.all()
    if kind:
        rows = rows.filter(kind=_check_kind(kind))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-score", "first_id", "second_id")


def parties_of(rows: Iterable[DuplicateCandidate]) -> dict[tuple[str, int], Any]:
    """The people and accounts a page of candidates names that the member may see (two
    queries at most); a party outside the member's record rules is left out."""
    wanted: dict[str, set[int]] = {"person": set(), "account": set()}
    for row in rows:
        wanted[row.kind].update((row.first_id, row.second_id))
    found: dict[tuple[str, int], Any] = {}
    if wanted["person"]:
        people = restrict(Person.objects.filter(pk__in=wanted["person"]))
        found.update((("person", p.pk), p) for p in people)
    if wanted["account"]:
        found.update(
            (("account", a.pk), a)
            for a in restrict(Account.objects.filter(pk__in=wanted["account"]))
        )
    return found


@transaction.atomic
def dismiss(candidate_id: int) -> DuplicateCandidate:
    """Mark a pair as "not a duplicate"; later scans leave it dismissed."""
    row = DuplicateCandidate.objects.select_for_update().filter(pk=candidate_id).first()
    if row is None:
        raise DomainError("not_found", "No such duplicate candidate.", status=404)
    if row.status == "merged":
        raise DomainError("already_merged", "This pair was merged already.", status=409)
    if row.status == "dismissed":
        return row
    row.status = "dismissed"
    row.dismissed_by_id = current().actor_id
    row.save(update_fields=["status", "dismissed_by", "updated_at"])
    ctx = current()
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(DuplicateCandidate),
        object_id=str(row.pk),
        object_repr=str(row)[:200],
        action="update",
        changes={"status": {"old": "open", "new": "dismissed"}},
        actor_id=ctx.actor_id,
        channel=ctx.channel,
        token_id=ctx.token_id,
    )
    payload = {"kind": row.kind, "first_id": row.first_id, "second_id": row.second_id}
    publish("DuplicateDismissed", {"candidate_id": row.pk, **payload})
    return row
