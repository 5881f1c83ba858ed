"""Tables of duplicate finding and merging: candidate pairs and merge records.

Parties are referred to by plain ids, not foreign keys: a foreign key to Person or Account
would itself be a relation the merge moves, and a record must outlive the loser it deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from valuechain.platform.tenancy.models import TenantOwned

MERGE_KINDS = ("person", "account")
CANDIDATE_STATUSES = ("open", "dismissed", "merged")


class DuplicateCandidate(TenantOwned):
    """Two parties that look like the same one, with a score and the reasons."""

    audited = False  # derived by the scan; dismissals are audited as an explicit entry

    kind = models.CharField(max_length=10, choices=[(k, k) for k in MERGE_KINDS])
    first_id = models.BigIntegerField()  # the lower id of the pair
    second_id = models.BigIntegerField()
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=[(s, s) for s in CANDIDATE_STATUSES], default="open"
    )
    scanned_at = models.DateTimeField(default=timezone.now)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "first_id", "second_id"], name="duplicate_unique_pair"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "kind", "status", "-score"], name="duplicate_by_score"),
            models.Index(fields=["tenant", "kind", "second_id"], name="duplicate_by_second"),
        ]
        ordering = ["-score", "first_id", "second_id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.first_id} ~ {self.second_id} ({self.score})"


class MergeRecord(TenantOwned):
    """One merge of a loser into a survivor, with all it takes to undo it."""

    audited = False  # one explicit audit entry per merge and undo says what moved

    kind = models.CharField(max_length=10, choices=[(k, k) for k in MERGE_KINDS])
    survivor_id = models.BigIntegerField()
    loser_id = models.BigIntegerField()
    loser_label = models.CharField(max_length=200)
    survivor_label = models.CharField(max_length=200)
    loser_snapshot = models.JSONField(default=dict)  # {"fields": {...}, "m2m": {...}}
    survivor_before = models.JSONField(default=dict)  # attname -> value before the merge
    survivor_after = models.JSONField(default=dict)  # attname -> value the merge set
    moved = models.JSONField(default=list)  # [{"model", "field", "pks"}]
    generic_moved = models.JSONField(default=list)  # [{"model", "type_field", "id_field", "pks"}]
    deleted = models.JSONField(default=list)  # [{"model", "fields"}] duplicates removed
    cleared_flags = models.JSONField(default=list)  # [{"model", "field", "pks"}]
    candidates = models.JSONField(default=list)  # [[candidate pk, previous status]]
    counts = models.JSONField(default=dict)  # "app.model.field" -> rows moved
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "-merged_at"], name="merge_recent"),
            models.Index(fields=["tenant", "kind", "survivor_id"], name="merge_by_survivor"),
        ]
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.loser_id} into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        """True once the merge was undone."""
        return self.undone_at is not None
