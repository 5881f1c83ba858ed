"""Pages of the shell."""

from django.urls import path

from valuechain.platform.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("crm/", views.area_page, {"area": "crm"}, name="area_crm"),
    path("scm/", views.area_page, {"area": "scm"}, name="area_scm"),
    path("intelligence/", views.area_page, {"area": "intelligence"}, name="area_intelligence"),
    path("settings/", views.area_page, {"area": "admin"}, name="area_admin"),
    path("search/", views.search, name="search"),
    path("switch-tenant/", views.switch_tenant, name="switch_tenant"),
    # Pages without our layout (Django admin, API docs) make browsers ask for /favicon.ico.
    path("favicon.ico", views.favicon, name="favicon"),
]
