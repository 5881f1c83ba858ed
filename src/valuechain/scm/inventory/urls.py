"""Pages of inventory."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
