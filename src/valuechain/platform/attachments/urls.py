"""Pages of attachments."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
