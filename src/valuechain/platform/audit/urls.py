"""Pages of the audit trail."""

from django.urls import path

from valuechain.platform.audit import views

urlpatterns = [path("settings/audit/", views.audit_log, name="audit-log")]
