"""Tables of the shared kernel: FX rates, document number sequences, idempotency records."""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from valuechain.platform.tenancy.models import TenantOwned

currency_code_validator = RegexValidator(r"^[A-Z]{3}$", "Use a 3-letter ISO 4217 code.")


def CurrencyField(**kwargs: Any) -> models.CharField[str, str]:
    """An ISO 4217 currency code (upper-case, three letters).

    A configured CharField rather than a subclass, so tools that map field classes (model
    bakers, serializers, form generators) treat it as the CharField it is.
    """
    kwargs.setdefault("max_length", 3)
    kwargs.setdefault("validators", [currency_code_validator])
    return models.CharField(**kwargs)


class FxRate(TenantOwned):
    """How many units of ``quote`` one unit of ``base`` buys, valid from ``valid_on``."""

    base = CurrencyField()
    quote = CurrencyField()
    rate = models.DecimalField(max_digits=20, decimal_places=10, validators=[MinValueValidator(0)])
    valid_on = models.DateField()
    source = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "base", "quote", "valid_on"], name="fxrate_unique_per_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="fxrate_positive"),
        ]
        indexes = [models.Index(fields=["tenant", "base", "quote", "-valid_on"])]
        ordering = ["-valid_on", "base", "quote"]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} on {self.valid_on}"


class DocumentSequence(TenantOwned):
    """A per-tenant counter that hands out document numbers such as ``SO-000123``."""

    key = models.SlugField(max_length=40)
    prefix = models.CharField(max_length=20)
    padding = models.PositiveSmallIntegerField(default=6)
    next_value = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="docseq_unique_key")]
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: next {self.prefix}{self.next_value:0{self.padding}d}"


class IdempotencyRecord(models.Model):
    """The stored outcome of an API POST sent with an Idempotency-Key, per principal."""

    principal = models.CharField(max_length=128)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    completed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
