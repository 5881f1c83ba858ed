"""The read side of the audit trail: a record's history and the filtered tenant-wide log."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from valuechain.platform.audit.models import ACTIONS, AuditEntry
from valuechain.platform.audit.recorder import is_audited
from valuechain.platform.errors import DomainError
from valuechain.platform.tenancy.context import CHANNELS, require_tenant_id
from valuechain.platform.tenancy.models import Membership


def label_of(model: type[models.Model]) -> str:
    """'app_label.model' (lower case), the name the API and filters use for a model."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def audited_models() -> list[type[models.Model]]:
    """Every audited concrete model, sorted by label."""
    return sorted(
        (m for m in apps.get_models() if is_audited(m) and not m._meta.proxy), key=label_of
    )


def audited_model_choices() -> list[tuple[str, str]]:
    """(label, "Verbose name (label)") for every audited model, for filter menus."""
    return [(label_of(m), f"{m._meta.verbose_name} ({label_of(m)})") for m in audited_models()]


def content_type_for(label: str) -> ContentType:
    """The content type of an audited model given as 'app_label.model'; DomainError otherwise."""
    app_label, _, model_name = label.strip().lower().partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        model = None
    if model is None or not is_audited(model):
        raise DomainError(
            "unknown_model",
            f"{label!r} is not an audited model; give it as app_label.model, e.g. platform.fxrate.",
            field="model",
        )
    return ContentType.objects.get_for_model(model)


def _entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor", "content_type")


def history_for(obj: models.Model) -> QuerySet[AuditEntry]:
    """Every entry about one record, newest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return (
        _entries().filter(content_type=content_type, object_id=str(obj.pk)).order_by("-at", "-pk")
    )


def history_of(label: str, object_id: str) -> QuerySet[AuditEntry]:
    """Every entry about the record ``object_id`` of the model 'app_label.model'."""
    content_type = content_type_for(label)
    return _entries().filter(content_type=content_type, object_id=object_id).order_by("-at", "-pk")


def audit_entries(
    *,
    model: str | None = None,
    object_id: str | None = None,
    actor_id: int | None = None,
    channel: str | None = None,
    action: str | None = None,
) -> QuerySet[AuditEntry]:
    """The current tenant's entries matching every given filter, newest first."""
    queryset = _entries()
    if model:
        queryset = queryset.filter(content_type=content_type_for(model))
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    if channel:
        if channel not in CHANNELS:
            raise DomainError(
                "invalid_channel",
                f"Unknown channel {channel!r}; one of {', '.join(CHANNELS)}.",
                field="channel",
            )
        queryset = queryset.filter(channel=channel)
    if action:
        if action not in ACTIONS:
            raise DomainError(
                "invalid_action",
                f"Unknown action {action!r}; one of {', '.join(ACTIONS)}.",
                field="action",
            )
        queryset = queryset.filter(action=action)
    return queryset.order_by("-at", "-pk")


def member_choices() -> list[tuple[int, str]]:
    """(user id, e-mail) of the current tenant's members, for the actor filter."""
    rows = (
        Membership.objects.filter(tenant_id=require_tenant_id())
        .order_by("user__email")
        .values_list("user_id", "user__email")
    )
    return [(int(user_id), str(email)) for user_id, email in rows]
