"""Pages of automation."""

from django.urls import path

from valuechain.crm.automation import views

urlpatterns = [
    path("crm/automation/", views.rule_list, name="automation-rule-list"),
    path("crm/automation/rules/new/", views.rule_create, name="automation-rule-create"),
    path("crm/automation/rules/<int:rule_id>/", views.rule_detail, name="automation-rule-detail"),
    path("crm/automation/rules/<int:rule_id>/edit/", views.rule_edit, name="automation-rule-edit"),
    path(
        "crm/automation/rules/<int:rule_id>/toggle/",
        views.rule_toggle,
        name="automation-rule-toggle",
    ),
    path(
        "crm/automation/rules/<int:rule_id>/delete/",
        views.rule_delete,
        name="automation-rule-delete",
    ),
    path("crm/automation/builder/rows/", views.builder_rows, name="automation-builder-rows"),
    path(
        "crm/automation/builder/condition/",
        views.builder_condition,
        name="automation-builder-condition",
    ),
    path("crm/automation/builder/action/", views.builder_action, name="automation-builder-action"),
    path("crm/automation/builder/blank/", views.builder_blank, name="automation-builder-blank"),
    path("crm/automation/templates/", views.template_list, name="automation-template-list"),
    path("crm/automation/templates/new/", views.template_create, name="automation-template-create"),
    path(
        "crm/automation/templates/<int:template_id>/edit/",
        views.template_edit,
        name="automation-template-edit",
    ),
    path(
        "crm/automation/templates/<int:template_id>/delete/",
        views.template_delete,
        name="automation-template-delete",
    ),
]
