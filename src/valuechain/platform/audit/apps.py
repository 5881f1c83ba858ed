"""App configuration for audit trail."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit trail."""

    name = "valuechain.platform.audit"
    label = "audit"
    verbose_name = "Audit trail"
