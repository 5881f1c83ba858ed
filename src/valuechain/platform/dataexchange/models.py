"""Tables of dataexchange: import jobs, their uploaded files, per-row reports, external ids."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from valuechain.platform.tenancy.models import TenantOwned

JOB_STATUSES = ("uploaded", "validated", "imported", "failed")
ROW_STATUSES = ("created", "updated", "unchanged", "rejected")
MODE_CHOICES = [("all_or_nothing", "All or nothing"), ("valid_rows", "Import valid rows")]


class ImportJob(TenantOwned):
    """One uploaded file on its way into the CRM: mapping, mode, status, counts."""

    importer = models.CharField(max_length=100)
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="column header -> field name")
    mode = models.CharField(max_length=20, choices=MODE_CHOICES, default="all_or_nothing")
    status = models.CharField(
        max_length=10, choices=[(s, s) for s in JOB_STATUSES], default="uploaded"
    )
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    validated_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="importjob_by_created"),
            models.Index(fields=["tenant", "importer"], name="importjob_by_importer"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.importer}: {self.filename}"


class ImportFile(TenantOwned):
    """The uploaded bytes of a job, kept for validation, the run and the rejects download."""

    audited = False  # raw file content: the job's own history is audited

    job = models.OneToOneField(ImportJob, on_delete=models.CASCADE, related_name="file")
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "job"], name="importfile_one_per_job")
        ]


class ImportRow(TenantOwned):
    """The report line of one data row: what validation or the import did with it."""

    audited = False  # a report, rewritten on each validation; records are audited themselves

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(help_text="line (CSV) or row (Excel) in the file")
    status = models.CharField(max_length=10, choices=[(s, s) for s in ROW_STATUSES])
    record_id = models.BigIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    field = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "job", "row_number"], name="importrow_one_per_line"
            )
        ]
        indexes = [models.Index(fields=["tenant", "job", "status"], name="importrow_by_status")]
        ordering = ["job", "row_number"]


class ExternalKey(TenantOwned):
    """Which record an external id from an imported file went to, per importer."""

    audited = False  # bookkeeping of the import; the records themselves are audited

    importer = models.CharField(max_length=100)
    external_id = models.CharField(max_length=200)
    record_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "importer", "external_id"], name="externalkey_unique"
            )
        ]
