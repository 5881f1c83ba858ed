"""Pages of activities."""

from django.urls import path

from valuechain.crm.activities import views

urlpatterns = [
    path("crm/my-day/", views.my_day, name="activities-my-day"),
    path("crm/activities/", views.activity_list, name="activities-activity-list"),
    path("crm/activities/new/", views.activity_create, name="activities-activity-create"),
    path(
        "crm/activities/<int:activity_id>/",
        views.activity_detail,
        name="activities-activity-detail",
    ),
    path(
        "crm/activities/<int:activity_id>/edit/",
        views.activity_edit,
        name="activities-activity-edit",
    ),
    path(
        "crm/activities/<int:activity_id>/<str:action>/",
        views.activity_action,
        name="activities-activity-action",
    ),
]
