"""Pages of quality."""

from django.urls import path

from valuechain.scm.quality import views

urlpatterns = [
    path("scm/quality/plans/", views.plan_list, name="quality-plans"),
    path("scm/quality/plans/new/", views.plan_create, name="quality-plan-create"),
    path("scm/quality/plans/<int:plan_id>/", views.plan_edit, name="quality-plan"),
    path("scm/quality/defect-reasons/", views.reason_list, name="quality-defect-reasons"),
    path(
        "scm/quality/defect-reasons/new/",
        views.reason_create,
        name="quality-defect-reason-create",
    ),
    path(
        "scm/quality/defect-reasons/<int:reason_id>/",
        views.reason_edit,
        name="quality-defect-reason",
    ),
    path("scm/quality/inspections/", views.inspection_list, name="quality-inspections"),
    path(
        "scm/quality/inspections/<int:inspection_id>/",
        views.inspection_detail,
        name="quality-inspection",
    ),
    path(
        "scm/quality/inspections/<int:inspection_id>/complete/",
        views.inspection_complete,
        name="quality-inspection-complete",
    ),
    path(
        "scm/quality/inspections/<int:inspection_id>/<str:action>-hold/",
        views.inspection_hold,
        name="quality-inspection-hold",
    ),
    path(
        "scm/quality/inspections/<int:inspection_id>/disposition/",
        views.inspection_disposition,
        name="quality-inspection-disposition",
    ),
    path("scm/quality/defect-rates/", views.defect_rates, name="quality-defect-rates"),
]
