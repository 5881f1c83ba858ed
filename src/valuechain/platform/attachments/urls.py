"""Pages of attachments."""

from django.urls import path

from valuechain.platform.attachments import views

urlpatterns = [
    path("attachments/upload/", views.upload, name="attachments-upload"),
    path("attachments/<int:attachment_id>/delete/", views.delete, name="attachments-delete"),
]
