"""Tables of custom fields: a tenant's definitions of extra fields on business records."""

from __future__ import annotations

from django.db import models

from valuechain.platform.customfields.domain import FIELD_TYPES, FieldSpec
from valuechain.platform.tenancy.models import TenantOwned


class CustomFieldDefinition(TenantOwned):
    """One extra field a tenant defines on a target model (e.g. "Contract value" on accounts)."""

    target = models.CharField(max_length=100)  # a registered model label: "customers.account"
    key = models.CharField(max_length=40)  # the name in the record's JSON; never changes
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=10, choices=[(t, t) for t in FIELD_TYPES])
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    filterable = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "target", "key"], name="customfield_unique_key"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "target", "is_active", "order"], name="customfield_form")
        ]
        ordering = ["target", "order", "label", "pk"]

    def __str__(self) -> str:
        return f"{self.target}.{self.key}"

    def spec(self) -> FieldSpec:
        """The pure description the cleaning and filtering rules work with."""
        return FieldSpec(
            key=self.key,
            label=self.label,
            field_type=self.field_type,
            choices=tuple(self.choices or ()),
            required=self.required,
            filterable=self.filterable,
        )
