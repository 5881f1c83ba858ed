"""Tables of sales: pipelines and their stages, opportunities with lines and stage history,
loss reasons and sales quotas.

An opportunity's ``status`` (open, won, lost) follows its stage's won/lost flag; it is
stored so lists and the forecast filter on an index instead of a join. ``stage_entered_at``
is when the opportunity reached its current stage: a move records the time spent there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from valuechain.crm.sales.domain import FORECAST_CATEGORIES, STATUSES
from valuechain.platform.money import Money
from valuechain.platform.tenancy.models import TenantOwned

FORECAST_CATEGORY_CHOICES = [(c, c.replace("_", " ")) for c in FORECAST_CATEGORIES]


class Pipeline(TenantOwned):
    """A sales process of the tenant (e.g. "New business", "Renewals") with ordered stages."""

    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="pipeline_unique_name")
        ]
        ordering = ["position", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Stage(TenantOwned):
    """A step of a pipeline with its default win probability; won and lost stages close deals."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    probability = models.PositiveSmallIntegerField(default=0)  # percent, 0 to 100
    forecast_category = models.CharField(
        max_length=10, choices=FORECAST_CATEGORY_CHOICES, default="pipeline"
    )
    is_won = models.BooleanField(default=False)
    is_lost = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "pipeline", "name"], name="stage_unique_name_per_pipeline"
            ),
            models.CheckConstraint(
                condition=~(models.Q(is_won=True) & models.Q(is_lost=True)),
                name="stage_not_won_and_lost",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "pipeline", "position"], name="stage_by_order")]
        ordering = ["pipeline_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        """Won or lost."""
        return self.is_won or self.is_lost


class LossReason(TenantOwned):
    """Why deals are lost (price, competitor, no budget…), configured per tenant."""

    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="loss_reason_unique_name")
        ]
        ordering = ["position", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Opportunity(TenantOwned):
    """A potential deal with an account and/or a person, moving through a pipeline's stages."""

    name = models.CharField(max_length=200)
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="opportunities")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities")
    account = models.ForeignKey(
        "customers.Account",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    person = models.ForeignKey(
        "customers.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    amount = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    currency = models.CharField(max_length=3)
    expected_close_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_step = models.CharField(max_length=200, blank=True)
    probability = models.PositiveSmallIntegerField(default=0)  # percent, 0 to 100
    forecast_category = models.CharField(
        max_length=10, choices=FORECAST_CATEGORY_CHOICES, default="pipeline"
    )
    status = models.CharField(max_length=4, choices=[(s, s) for s in STATUSES], default="open")
    lost_reason = models.ForeignKey(
        LossReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_note = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    stage_entered_at = models.DateTimeField()
    source = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "pipeline", "stage"], name="opp_by_stage"),
            models.Index(fields=["tenant", "status", "expected_close_date"], name="opp_by_close"),
            models.Index(fields=["tenant", "owner"], name="opp_by_owner"),
            models.Index(fields=["tenant", "account"], name="opp_by_account"),
            models.Index(fields=["tenant", "person"], name="opp_by_person"),
        ]
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.name

    @property
    def money(self) -> Money:
        """The amount with its currency, at the currency's minor units."""
        return Money(self.amount, self.currency).rounded()


class OpportunityLine(TenantOwned):
    """A product line of an opportunity: product text / SKU, quantity and unit price.

    A nullable reference to the catalog's product comes with the catalog context.
    """

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product_name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "opportunity", "position"], name="opp_line_by_opp")
        ]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.product_name


class StageChange(TenantOwned):
    """One move of an opportunity between stages, with the time spent in the stage it left."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seconds_in_previous = models.PositiveBigIntegerField(default=0)

    audited = False  # the history is itself the log of moves

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "opportunity", "changed_at"], name="stage_change_by_opp")
        ]
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage_id} -> {self.to_stage_id}"


class Quota(TenantOwned):
    """A rep's sales target for one calendar month (quarters add up their months)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()  # the first day of the month
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "owner", "period_start"], name="quota_unique_per_month"
            )
        ]
        ordering = ["period_start", "owner_id", "pk"]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.period_start:%Y-%m}"
