"""App configuration for audit trail."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit trail: records every change of every tenant-owned model."""

    name = "valuechain.platform.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from valuechain.platform.audit import recorder
        from valuechain.platform.web.registry import MenuItem, register_menu_item

        recorder.connect_all()
        register_menu_item(MenuItem("admin", "Audit log", "audit-log", "admin:read", order=80))
