"""Pages of custom fields."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
