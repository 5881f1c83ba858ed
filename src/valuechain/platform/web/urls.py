"""Pages of the shell."""

from django.urls import path

from valuechain.platform.web import views

urlpatterns = [path("", views.home, name="home")]
