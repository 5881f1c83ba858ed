"""Pages of procurement."""

from django.urls import path

from valuechain.scm.procurement import scorecard_views, views

urlpatterns = [
    path("scm/suppliers/", views.supplier_list, name="procurement-suppliers"),
    path("scm/suppliers/new/", views.supplier_create, name="procurement-supplier-create"),
    path("scm/suppliers/ranking/", views.ranking, name="procurement-ranking"),
    path("scm/suppliers/<int:supplier_id>/", views.supplier_detail, name="procurement-supplier"),
    path(
        "scm/suppliers/<int:supplier_id>/scorecard/",
        scorecard_views.supplier_scorecard,
        name="procurement-supplier-scorecard",
    ),
    path(
        "scm/suppliers/<int:supplier_id>/edit/",
        views.supplier_edit,
        name="procurement-supplier-edit",
    ),
    path(
        "scm/suppliers/<int:supplier_id>/active/",
        views.supplier_active,
        name="procurement-supplier-active",
    ),
    path(
        "scm/suppliers/<int:supplier_id>/products/",
        views.supplier_product_create,
        name="procurement-supplier-product-create",
    ),
    path(
        "scm/supplier-products/<int:supplier_product_id>/edit/",
        views.supplier_product_edit,
        name="procurement-supplier-product-edit",
    ),
    path("scm/procurement/settings/", views.selection_settings, name="procurement-settings"),
    path(
        "scm/procurement/settings/save/",
        views.selection_settings_save,
        name="procurement-settings-save",
    ),
]
