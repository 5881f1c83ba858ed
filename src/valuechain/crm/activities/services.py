"""Use cases of activities: create, update, complete, cancel and reopen.

Every function runs in one transaction, locks the activity it changes, raises DomainError
with the field at fault (nothing is written then) and publishes a past-tense event.
Completing a call or meeting, or creating a note, leaves a touch point on the customer's
timeline (``customers.interactions.record_interaction``) linking back to the activity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from valuechain.crm.activities import domain
from valuechain.crm.activities.models import Activity
from valuechain.crm.customers import interactions
from valuechain.crm.customers.models import Account, Person
from valuechain.platform.errors import DomainError
from valuechain.platform.events.services import publish
from valuechain.platform.tenancy.context import current, require_tenant_id
from valuechain.platform.tenancy.models import Membership, TenantOwned

ACTIVITY_LABEL = "activities.activity"
TOUCHPOINT_SOURCE = "activities"
FIELDS = {
    "kind",
    "subject",
    "description",
    "priority",
    "due_at",
    "starts_at",
    "ends_at",
    "assignee_id",
    "reminder_at",
    "person_id",
    "account_id",
    "related_type",
    "related_id",
    "outcome",
}
UPDATABLE = FIELDS - {"kind"}
SCHEDULE_FIELDS = ("due_at", "starts_at", "ends_at", "reminder_at")


# --- values -------------------------------------------------------------------------------


def _text(value: Any, field: str, max_length: int, *, required: bool = False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(f"{field}_required", f"Enter the {field.replace('_', ' ')}.", field=field)
    if len(text) > max_length:
        raise DomainError(
            f"{field}_too_long", f"The {field} is over {max_length} characters.", field=field
        )
    return text


def _choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    text = str(value or "").strip().lower()
    if text not in choices:
        raise DomainError(
            f"invalid_{field}", f"The {field} must be one of: {', '.join(choices)}.", field=field
        )
    return text


def _moment(value: Any, field: str) -> dt.datetime | None:
    """A date and time (ISO 8601 text or datetime); a bare date means 23:59 that day."""
    if value in (None, ""):
        return None
    tz = timezone.get_current_timezone()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                domain.end_of_day(dt.date.fromisoformat(text), tz)
                if len(text) == 10
                else dt.datetime.fromisoformat(text)
            )
        except ValueError as exc:
            raise DomainError(
                f"invalid_{field}",
                f"{text!r} is not a date and time (ISO 8601, e.g. 2026-01-31T14:00:00Z).",
                field=field,
            ) from exc
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = domain.end_of_day(value, tz)
    if not isinstance(value, dt.datetime):
        raise DomainError(f"invalid_{field}", f"Give {field} as a date and time.", field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, tz)
    return value


def _id(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise DomainError(f"invalid_{field}", f"{field} must be a number.", field=field)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"invalid_{field}", f"{field} must be a number.", field=field) from exc


def _assignee_id(value: Any) -> int | None:
    """An assignee must be an active member of the current tenant."""
    user_id = _id(value, "assignee_id")
    if user_id is None:
        return None
    is_member = Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=user_id, is_active=True
    ).exists()
    if not is_member:
        raise DomainError(
            "assignee_not_member",
            "The assignee must be an active member of this tenant.",
            field="assignee_id",
        )
    return user_id


def _party_ids(person_value: Any, account_value: Any) -> tuple[int | None, int | None]:
    person_id = _id(person_value, "person_id")
    account_id = _id(account_value, "account_id")
    if person_id is not None and not Person.objects.filter(pk=person_id).exists():
        raise DomainError("unknown_person", "No such person.", field="person_id")
    if account_id is not None and not Account.objects.filter(pk=account_id).exists():
        raise DomainError("unknown_account", "No such account.", field="account_id")
    return person_id, account_id


def _related(type_label: Any, object_id: Any) -> tuple[ContentType | None, str]:
    """A link to any record, ``app_label.model`` plus id; a tenant's record must exist."""
    label = str(type_label or "").strip().lower()
    ident = str(object_id or "").strip()
    if not label and not ident:
        return None, ""
    if not label or not ident:
        raise DomainError(
            "invalid_related",
            "Give both related_type (app_label.model) and related_id, or neither.",
            field="related_type",
        )
    app_label, _, model_name = label.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist as exc:
        raise DomainError(
            "invalid_related_type",
            f"{label!r} is not a record type (app_label.model, e.g. sales.opportunity).",
            field="related_type",
        ) from exc
    if len(ident) > 64:
        raise DomainError(
            "invalid_related_id", "related_id is over 64 characters.", field="related_id"
        )
    model = content_type.model_class()
    if model is not None and issubclass(model, TenantOwned):
        try:
            exists = model.objects.filter(pk=ident).exists()
        except (ValueError, TypeError):
            exists = False
        if not exists:
            raise DomainError("unknown_related", f"No such {label}.", field="related_id")
    return content_type, ident


def _schedule(kind: str, values: Mapping[str, Any]) -> dt.datetime | None:
    try:
        return domain.check_schedule(
            domain.Schedule(
                kind=kind,
                due_at=values.get("due_at"),
                starts_at=values.get("starts_at"),
                ends_at=values.get("ends_at"),
                reminder_at=values.get("reminder_at"),
            )
        )
    except domain.InvalidSchedule as exc:
        raise DomainError(exc.code, exc.message, field=exc.field) from exc


def _unknown(data: Mapping[str, Any], allowed: set[str]) -> None:
    if not isinstance(data, Mapping):
        raise DomainError("invalid_activity", "Send the activity as an object.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise DomainError(
            "unknown_field", f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0]
        )


def _clean(name: str, value: Any) -> Any:
    """One submitted field checked and normalised."""
    if name == "subject":
        return _text(value, "subject", 300, required=True)
    if name in ("description", "outcome"):
        return str(value or "").strip()
    if name == "priority":
        return _choice(value or "normal", "priority", domain.PRIORITIES)
    if name in SCHEDULE_FIELDS:
        return _moment(value, name)
    if name == "assignee_id":
        return _assignee_id(value)
    raise AssertionError(name)  # parties and links are checked in pairs


def _payload(activity: Activity) -> dict[str, Any]:
    return {
        "activity_id": activity.pk,
        "kind": activity.kind,
        "status": activity.status,
        "assignee_id": activity.assignee_id,
        "person_id": activity.person_id,
        "account_id": activity.account_id,
    }


def _locked(activity_id: Any) -> Activity:
    row = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if row is None:
        raise DomainError("not_found", "No such activity.", status=404)
    return row


def _actor_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return ""
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full_name or user.get_username())[:200]


def _write_touchpoint(activity: Activity, occurred_at: dt.datetime) -> None:
    """The customer-timeline entry of a finished call or meeting, or a note; once each."""
    if activity.kind not in domain.TIMELINE_KINDS:
        return
    if activity.person_id is None and activity.account_id is None:
        return
    body = "\n\n".join(part for part in (activity.description, activity.outcome) if part)
    interaction, _ = interactions.record_interaction(
        {
            "channel": "sales_rep",
            "kind": activity.kind,
            "direction": domain.TOUCH_DIRECTIONS[activity.kind],
            "occurred_at": occurred_at,
            "actor_name": _actor_name(activity.completed_by_id or current().actor_id),
            "subject": activity.subject,
            "body": body,
            "person_id": activity.person_id,
            "account_id": None if activity.person_id else activity.account_id,
            "related_type": ACTIVITY_LABEL,
            "related_id": str(activity.pk),
            "source": TOUCHPOINT_SOURCE,
            "external_id": f"activity-{activity.pk}",
        }
    )
    activity.interaction_id = interaction.pk
    activity.save(update_fields=["interaction_id", "updated_at"])


# --- use cases ----------------------------------------------------------------------------


@transaction.atomic
def create_activity(data: Mapping[str, Any]) -> Activity:
    """Create a task, call, meeting or note; a note is done at once and goes on the timeline.

    ``data`` keys: kind (task, call, meeting, note), subject, description, priority (low,
    normal, high), due_at (task, call) or starts_at/ends_at (meeting), assignee_id (defaults
    to the acting user when a member), reminder_at, person_id, account_id, related_type
    (``app_label.model``) with related_id, outcome. Dates are datetimes or ISO 8601 text.
    """
    _unknown(data, FIELDS)
    kind = _choice(data.get("kind") or "task", "kind", domain.KINDS)
    values: dict[str, Any] = {
        name: _clean(name, data.get(name))
        for name in ("subject", "description", "priority", *SCHEDULE_FIELDS, "outcome")
    }
    values["assignee_id"] = (
        _clean("assignee_id", data["assignee_id"]) if "assignee_id" in data else _default_assignee()
    )
    values["person_id"], values["account_id"] = _party_ids(
        data.get("person_id"), data.get("account_id")
    )
    values["related_type"], values["related_id"] = _related(
        data.get("related_type"), data.get("related_id")
    )
    scheduled_at = _schedule(kind, values)
    activity = Activity(kind=kind, scheduled_at=scheduled_at, **values)
    if kind == "note":
        activity.status = "done"
        activity.completed_at = timezone.now()
        activity.completed_by_id = current().actor_id
    activity.save()
    publish("ActivityCreated", _payload(activity))
    if kind == "note":
        _write_touchpoint(activity, activity.completed_at or timezone.now())
    return activity


def _default_assignee() -> int | None:
    actor_id = current().actor_id
    if actor_id is None:
        return None
    is_member = Membership.objects.filter(
        tenant_id=require_tenant_id(), user_id=actor_id, is_active=True
    ).exists()
    return actor_id if is_member else None


@transaction.atomic
def update_activity(activity_id: int, data: Mapping[str, Any]) -> Activity:
    """Change the given fields (a PATCH); the kind stays; a moved reminder fires again."""
    if isinstance(data, Mapping) and "kind" in data:
        raise DomainError("kind_immutable", "The kind of an activity cannot change.", field="kind")
    _unknown(data, UPDATABLE)
    activity = _locked(activity_id)
    changes: dict[str, Any] = {}
    for name in data:
        if name in ("person_id", "account_id", "related_type", "related_id"):
            continue
        changes[name] = _clean(name, data[name])
    if "person_id" in data or "account_id" in data:
        changes["person_id"], changes["account_id"] = _party_ids(
            data.get("person_id", activity.person_id), data.get("account_id", activity.account_id)
        )
    if "related_type" in data or "related_id" in data:
        current_label = (
            f"{activity.related_type.app_label}.{activity.related_type.model}"
            if activity.related_type
            else ""
        )
        changes["related_type"], changes["related_id"] = _related(
            data.get("related_type", current_label), data.get("related_id", activity.related_id)
        )
    merged = {name: changes.get(name, getattr(activity, name)) for name in SCHEDULE_FIELDS}
    scheduled_at = _schedule(activity.kind, merged)
    if "reminder_at" in changes and changes["reminder_at"] != activity.reminder_at:
        activity.reminded_at = None
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.scheduled_at = scheduled_at
    activity.save()
    publish("ActivityUpdated", {**_payload(activity), "fields": sorted(changes)})
    return activity


def _require_open(activity: Activity) -> None:
    if activity.status != "open":
        raise DomainError(
            "not_open", f"This {activity.kind} is {activity.status}, not open.", status=409
        )


@transaction.atomic
def complete_activity(activity_id: int, *, outcome: str | None = None) -> Activity:
    """Mark an open activity done (with what came of it); calls and meetings go on the timeline."""
    activity = _locked(activity_id)
    _require_open(activity)
    if outcome is not None:
        activity.outcome = str(outcome).strip()
    now = timezone.now()
    activity.status = "done"
    activity.completed_at = now
    activity.completed_by_id = current().actor_id
    activity.save()
    publish("ActivityCompleted", _payload(activity))
    occurred_at = activity.starts_at if activity.kind == "meeting" else None
    _write_touchpoint(activity, occurred_at if occurred_at and occurred_at <= now else now)
    return activity


@transaction.atomic
def cancel_activity(activity_id: int) -> Activity:
    """Cancel an open activity: it will not happen; no reminder is sent any more."""
    activity = _locked(activity_id)
    _require_open(activity)
    activity.status = "cancelled"
    activity.completed_at = timezone.now()
    activity.completed_by_id = current().actor_id
    activity.save()
    publish("ActivityCancelled", _payload(activity))
    return activity


@transaction.atomic
def reopen_activity(activity_id: int) -> Activity:
    """Open a done or cancelled task, call or meeting again (a note stays a record)."""
    activity = _locked(activity_id)
    if activity.status == "open":
        raise DomainError("already_open", f"This {activity.kind} is already open.", status=409)
    if activity.kind == "note":
        raise DomainError(
            "note_not_reopenable", "A note is a record; it cannot be reopened.", status=409
        )
    activity.status = "open"
    activity.completed_at = None
    activity.completed_by = None
    activity.save()
    publish("ActivityReopened", _payload(activity))
    return activity
