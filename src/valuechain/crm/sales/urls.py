"""Pages of sales."""

from django.urls import path

from valuechain.crm.sales import forecast_views, views

urlpatterns = [
    path("crm/opportunities/", views.opportunity_list, name="sales-opportunity-list"),
    path("crm/opportunities/new/", views.opportunity_create, name="sales-opportunity-create"),
    path(
        "crm/opportunities/<int:opportunity_id>/",
        views.opportunity_detail,
        name="sales-opportunity-detail",
    ),
    path(
        "crm/opportunities/<int:opportunity_id>/edit/",
        views.opportunity_edit,
        name="sales-opportunity-edit",
    ),
    path(
        "crm/opportunities/<int:opportunity_id>/move/",
        views.opportunity_move,
        name="sales-opportunity-move",
    ),
    path("crm/opportunities/<int:opportunity_id>/lines/", views.line_add, name="sales-line-add"),
    path(
        "crm/opportunities/<int:opportunity_id>/lines/<int:line_id>/remove/",
        views.line_remove,
        name="sales-line-remove",
    ),
    path("crm/pipeline/", views.board_default, name="sales-board-default"),
    path("crm/pipelines/setup/", views.pipeline_setup, name="sales-pipeline-setup"),
    path("crm/pipelines/<int:pipeline_id>/board/", views.board, name="sales-board"),
    path("crm/pipelines/<int:pipeline_id>/board/move/", views.board_move, name="sales-board-move"),
    path("crm/pipelines/settings/", forecast_views.settings_page, name="sales-settings"),
    path(
        "crm/pipelines/settings/pipelines/",
        forecast_views.pipeline_add,
        name="sales-pipeline-add",
    ),
    path(
        "crm/pipelines/settings/<int:pipeline_id>/stages/",
        forecast_views.stage_add,
        name="sales-stage-add",
    ),
    path(
        "crm/pipelines/settings/stages/<int:stage_id>/",
        forecast_views.stage_change,
        name="sales-stage-change",
    ),
    path(
        "crm/pipelines/settings/loss-reasons/",
        forecast_views.loss_reason_add,
        name="sales-loss-reason-add",
    ),
    path(
        "crm/pipelines/settings/loss-reasons/<int:reason_id>/",
        forecast_views.loss_reason_toggle,
        name="sales-loss-reason-toggle",
    ),
    path("crm/forecast/", forecast_views.forecast_page, name="sales-forecast"),
    path("crm/forecast/quotas/", forecast_views.quota_set, name="sales-quota-set"),
]
