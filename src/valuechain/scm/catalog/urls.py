"""Pages of catalog."""

from django.urls import path

from valuechain.scm.catalog import views

urlpatterns = [
    path("scm/products/", views.product_list, name="catalog-product-list"),
    path("scm/products/new/", views.product_create, name="catalog-product-create"),
    path("scm/products/compare/", views.product_compare, name="catalog-product-compare"),
    path("scm/products/<int:product_id>/", views.product_detail, name="catalog-product-detail"),
    path("scm/products/<int:product_id>/edit/", views.product_edit, name="catalog-product-edit"),
    path(
        "scm/products/<int:product_id>/variants/new/",
        views.variant_create,
        name="catalog-variant-create",
    ),
    path(
        "scm/products/<int:product_id>/related/",
        views.related_edit,
        name="catalog-related-edit",
    ),
    path("scm/variants/<int:variant_id>/edit/", views.variant_edit, name="catalog-variant-edit"),
    path("scm/variants/<int:variant_id>/kit/", views.kit_edit, name="catalog-kit-edit"),
    path("scm/price-lists/", views.price_list_list, name="catalog-price-list-list"),
    path(
        "scm/price-lists/<int:list_id>/",
        views.price_list_detail,
        name="catalog-price-list-detail",
    ),
    path("scm/pricing/", views.pricing_setup, name="catalog-pricing-setup"),
]
