"""Pages of the kernel: FX rates and number sequences under settings/."""

from django.urls import path

from valuechain.platform import views

urlpatterns = [
    path("settings/fx-rates/", views.fx_rates, name="platform-fx-rates"),
    path(
        "settings/fx-rates/<int:rate_id>/delete/",
        views.fx_rate_delete,
        name="platform-fx-rate-delete",
    ),
    path("settings/sequences/", views.sequences, name="platform-sequences"),
    path(
        "settings/sequences/<slug:key>/",
        views.sequence_update,
        name="platform-sequence",
    ),
]
