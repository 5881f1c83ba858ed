"""Pages of custom fields."""

from django.urls import path

from valuechain.platform.customfields import views

urlpatterns = [
    path("settings/custom-fields/", views.custom_field_list, name="custom-field-list"),
    path(
        "settings/custom-fields/<int:definition_id>/",
        views.custom_field_detail,
        name="custom-field-detail",
    ),
    path(
        "settings/custom-fields/<int:definition_id>/deactivate/",
        views.custom_field_deactivate,
        name="custom-field-deactivate",
    ),
    path(
        "settings/custom-fields/<int:definition_id>/activate/",
        views.custom_field_activate,
        name="custom-field-activate",
    ),
]
