"""Pages of webhooks."""

from django.urls import path

from valuechain.platform.events import views

urlpatterns = [
    path("settings/webhooks/", views.webhook_list, name="webhook-list"),
    path("settings/webhooks/<int:endpoint_id>/", views.webhook_detail, name="webhook-detail"),
    path("settings/webhooks/<int:endpoint_id>/test/", views.webhook_test, name="webhook-test"),
    path(
        "settings/webhooks/<int:endpoint_id>/rotate-secret/",
        views.webhook_rotate_secret,
        name="webhook-rotate-secret",
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/delete/", views.webhook_delete, name="webhook-delete"
    ),
    path(
        "settings/webhooks/<int:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver/",
        views.webhook_redeliver,
        name="webhook-redeliver",
    ),
]
