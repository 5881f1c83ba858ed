"""Pages of this context."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
