"""Records an AuditEntry for every create, update and delete of every audited model.

Audited: every concrete subclass of TenantOwned, found automatically (a new model needs no
registration), unless it sets ``audited = False``. Fields in the model's ``audit_exclude``
are left out, and so are the primary key, the tenant and the timestamps. The old values of
an update are read from the database just before the save, so the entry shows exactly what
the row held; an update that changes nothing writes nothing. The entry is written by the
same connection right after the row, inside the caller's transaction.

Not recorded: ``QuerySet.update()``, ``bulk_create``/``bulk_update`` and raw SQL (they send
no model signals), many-to-many changes, and fixture loading (``raw`` saves). Code that
updates many rows at once and knows their old values (it read them under lock) uses
``snapshot()`` + ``bulk_update_audited()``: one UPDATE and one INSERT for all the entries.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import class_prepared, post_delete, post_save, pre_save

from valuechain.platform.audit.domain import field_changes
from valuechain.platform.tenancy.context import current
from valuechain.platform.tenancy.models import TenantOwned

logger = logging.getLogger(__name__)

ALWAYS_EXCLUDED = frozenset({"tenant", "created_at", "updated_at"})
_OLD_VALUES = "_audit_old_values"
_fields_cache: dict[type[models.Model], list[models.Field[Any, Any]]] = {}


def is_audited(model: type[models.Model]) -> bool:
    """True for concrete TenantOwned models that did not opt out with ``audited = False``."""
    return (
        isinstance(model, type)
        and issubclass(model, TenantOwned)
        and not model._meta.abstract
        and getattr(model, "audited", True) is not False
    )


def audited_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The concrete fields whose changes are recorded for a model."""
    fields = _fields_cache.get(model)
    if fields is None:
        excluded = ALWAYS_EXCLUDED | frozenset(getattr(model, "audit_exclude", ()))
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key
            and field.name not in excluded
            and field.attname not in excluded
        ]
        _fields_cache[model] = fields
    return fields


def _fields_for_save(
    model: type[models.Model], update_fields: frozenset[str] | None
) -> list[models.Field[Any, Any]]:
    fields = audited_fields(model)
    if update_fields is None:
        return fields
    return [f for f in fields if f.name in update_fields or f.attname in update_fields]


def _normalise(field: models.Field[Any, Any], value: Any) -> Any:
    """The value as the field stores it, so '1.10' and Decimal('1.1') compare equal."""
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or None
    try:
        value = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value
    places = getattr(field, "decimal_places", None)
    if isinstance(value, Decimal) and value.is_finite() and places is not None:
        return value.quantize(Decimal(1).scaleb(-places))
    return value


def _values(fields: list[models.Field[Any, Any]], source: Any, by_attname: bool) -> dict[str, Any]:
    if by_attname:
        return {f.name: _normalise(f, source[f.attname]) for f in fields}
    return {f.name: _normalise(f, getattr(source, f.attname)) for f in fields}


def _filled(values: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: a new or deleted record lists only what it holds."""
    return {name: value for name, value in values.items() if value not in (None, "")}


def _object_repr(instance: models.Model) -> str:
    try:
        text = str(instance)
    except Exception:  # a broken __str__ must never block a save
        text = f"{type(instance).__name__} {instance.pk}"
    return text[:200]


def _write(instance: models.Model, action: str, changes: dict[str, Any], using: str) -> None:
    from valuechain.platform.audit.models import AuditEntry

    ctx = current()
    AuditEntry.unscoped.using(using).create(
        tenant_id=instance.tenant_id,  # type: ignore[attr-defined]
        content_type=ContentType.objects.db_manager(using).get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=_object_repr(instance),
        action=action,
        changes=changes,
        actor_id=ctx.actor_id,
        channel=ctx.channel,
        token_id=ctx.token_id,
    )


def remember_old_values(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    using: str = "default",
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """pre_save: read the row's stored values of the fields about to be saved."""
    setattr(instance, _OLD_VALUES, None)
    if raw or instance.pk is None:
        return
    if instance._state.adding and sender._meta.pk.has_default():
        return  # a fresh row with a generated key: nothing stored yet
    fields = _fields_for_save(sender, update_fields)
    if not fields:
        setattr(instance, _OLD_VALUES, {})  # only unaudited fields are saved: nothing to read
        return
    row = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values(*[f.attname for f in fields])
        .first()
    )
    setattr(instance, _OLD_VALUES, row)


def record_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    raw: bool = False,
    using: str = "default",
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """post_save: write a create entry, or an update entry when any audited field changed."""
    old_row = instance.__dict__.pop(_OLD_VALUES, None)
    if raw:
        return
    fields = _fields_for_save(sender, update_fields)
    names = [f.name for f in fields]
    new = _values(fields, instance, by_attname=False)
    if not created and not fields:
        return
    if created or old_row is None:
        changes = field_changes({}, _filled(new), names)
        _write(instance, "create" if created else "update", changes, using)
        return
    changes = field_changes(_values(fields, old_row, by_attname=True), new, names)
    if changes:
        _write(instance, "update", changes, using)


def record_delete(
    sender: type[models.Model], instance: models.Model, using: str = "default", **kwargs: Any
) -> None:
    """post_delete: write a delete entry with the values the record held."""
    fields = audited_fields(sender)
    old = _filled(_values(fields, instance, by_attname=False))
    _write(instance, "delete", field_changes(old, {}, [f.name for f in fields]), using)


def connect_model(sender: type[models.Model], **kwargs: Any) -> None:
    """Attach the receivers to one model if it is audited (also a class_prepared receiver)."""
    if not is_audited(sender):
        return
    label = f"{sender.__module__}.{sender.__qualname__}"
    # Per-model receivers, not global ones: other models keep Django's fast deletes.
    pre_save.connect(remember_old_values, sender=sender, dispatch_uid=f"audit-pre-{label}")
    post_save.connect(record_save, sender=sender, dispatch_uid=f"audit-save-{label}")
    post_delete.connect(record_delete, sender=sender, dispatch_uid=f"audit-delete-{label}")


def connect_all() -> None:
    """Attach the receivers to every audited model, now and for models defined later."""
    from django.apps import apps

    for model in apps.get_models():  # proxies included: they send signals under their own class
        connect_model(model)
    class_prepared.connect(connect_model, dispatch_uid="audit-class-prepared")


def snapshot(instances: list[Any], update_fields: list[str]) -> dict[Any, dict[str, Any]]:
    """The audited values of ``update_fields`` per instance pk, taken before changing them."""
    if not instances:
        return {}
    fields = _fields_for_save(type(instances[0]), frozenset(update_fields))
    return {instance.pk: _values(fields, instance, by_attname=False) for instance in instances}


def bulk_update_audited(
    instances: list[Any], update_fields: list[str], before: dict[Any, dict[str, Any]]
) -> None:
    """``bulk_update`` plus the update entries ``save()`` would have written, in one INSERT.

    ``before`` is ``snapshot()`` of the same instances taken when they were read under lock,
    so no old values are re-read. ``updated_at`` is stamped as ``save()`` would.
    """
    from django.utils import timezone

    from valuechain.platform.audit.models import AuditEntry

    if not instances:
        return
    model = type(instances[0])
    now = timezone.now()
    for instance in instances:
        instance.updated_at = now
    model._base_manager.bulk_update(instances, [*update_fields, "updated_at"])
    fields = _fields_for_save(model, frozenset(update_fields))
    names = [f.name for f in fields]
    ctx = current()
    content_type = ContentType.objects.get_for_model(model)
    entries = []
    for instance in instances:
        changes = field_changes(
            before.get(instance.pk, {}), _values(fields, instance, by_attname=False), names
        )
        if changes:
            entries.append(
                AuditEntry(
                    tenant_id=instance.tenant_id,
                    content_type=content_type,
                    object_id=str(instance.pk),
                    object_repr=_object_repr(instance),
                    action="update",
                    changes=changes,
                    actor_id=ctx.actor_id,
                    channel=ctx.channel,
                    token_id=ctx.token_id,
                )
            )
    AuditEntry.unscoped.bulk_create(entries)
