"""Pages of territories."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
