"""Tables of automation: rules, e-mail templates, the run log and the causation behind runs.

A rule's conditions and actions are JSON lists checked by ``domain`` and ``services`` when
the rule is saved, so the executor can trust them. Run rows are a log: not audited.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from valuechain.platform.tenancy.models import TenantOwned

RUN_STATUSES = ("succeeded", "failed", "skipped", "loop_blocked")


class EmailTemplate(TenantOwned):
    """An e-mail: subject and text with ``{{ record.field }}`` placeholders, one record type."""

    name = models.CharField(max_length=200)
    target_type = models.CharField(max_length=50)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="emailtemplate_unique_name")
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Rule(TenantOwned):
    """When ``event_type`` happens to a ``target_type`` record and conditions hold, run actions."""

    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    event_type = models.CharField(max_length=100)
    target_type = models.CharField(max_length=50)
    match = models.CharField(
        max_length=3, choices=[("all", "all conditions"), ("any", "any condition")], default="all"
    )
    conditions = models.JSONField(default=list, blank=True)
    actions = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=100)  # rules of one event run in this order

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "event_type", "is_active"], name="rule_by_event"),
        ]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class RuleRun(TenantOwned):
    """One rule meeting one event: whether it fired, what each action did, or why not."""

    audited = False  # a log

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    target_type = models.CharField(max_length=50)
    record_id = models.CharField(max_length=64)
    record_label = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=[(s, s) for s in RUN_STATUSES])
    conditions = models.JSONField(default=list, blank=True)  # each condition's outcome
    results = models.JSONField(default=list, blank=True)  # each action's outcome
    error = models.TextField(blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    chain = models.JSONField(
        default=list, blank=True
    )  # [rule, target, record] links, this one last
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rule", "event_id"], name="rulerun_once")
        ]
        indexes = [
            models.Index(fields=["tenant", "rule", "-started_at"], name="rulerun_by_rule"),
            models.Index(fields=["tenant", "rule", "status"], name="rulerun_by_status"),
        ]
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.event_type}: {self.status}"


class CausedEvent(TenantOwned):
    """An event a rule's actions published: the next rule run finds its depth and chain here."""

    audited = False

    event_id = models.UUIDField()
    run = models.ForeignKey(RuleRun, on_delete=models.CASCADE, related_name="caused_events")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event_id"], name="causedevent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} caused by run {self.run_id}"


class RoundRobinCursor(TenantOwned):
    """Whose turn it is next for one round-robin ``assign_owner`` action of a rule."""

    audited = False

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="cursors")
    action_index = models.PositiveSmallIntegerField()
    next_index = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rule", "action_index"], name="roundrobin_unique"
            )
        ]

    def __str__(self) -> str:
        return f"rule {self.rule_id} action {self.action_index}: next {self.next_index}"
