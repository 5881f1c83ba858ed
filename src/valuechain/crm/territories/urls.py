"""Pages of territories."""

from django.urls import path

from valuechain.crm.territories import views

urlpatterns = [
    path("crm/territories/", views.territory_list, name="territories-list"),
    path("crm/territories/new/", views.territory_create, name="territories-create"),
    path("crm/territories/<int:territory_id>/", views.territory_detail, name="territories-detail"),
    path("crm/territories/<int:territory_id>/edit/", views.territory_edit, name="territories-edit"),
    path(
        "crm/territories/<int:territory_id>/members/",
        views.member_add,
        name="territories-member-add",
    ),
    path(
        "crm/territories/<int:territory_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="territories-member-remove",
    ),
    path("crm/territories/<int:territory_id>/rules/", views.rule_add, name="territories-rule-add"),
]
