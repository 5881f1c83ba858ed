"""Operations endpoints: the health check (no sign-in, no tenant)."""

from django.urls import path

from valuechain.platform.ops import views

urlpatterns = [path("healthz", views.healthz, name="healthz")]
