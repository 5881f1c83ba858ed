"""Pages of orders."""

from django.urls import path

from valuechain.scm.orders import views

urlpatterns = [
    path("scm/orders/", views.order_list, name="orders-list"),
    path("scm/orders/new/", views.order_create, name="orders-create"),
    path("scm/orders/<int:order_id>/", views.order_detail, name="orders-detail"),
    path("scm/orders/<int:order_id>/lines/", views.line_add, name="orders-line-add"),
    path(
        "scm/orders/<int:order_id>/lines/<int:line_id>/remove/",
        views.line_remove,
        name="orders-line-remove",
    ),
    path("scm/orders/<int:order_id>/confirm/", views.order_confirm, name="orders-confirm"),
    path("scm/orders/<int:order_id>/cancel/", views.order_cancel, name="orders-cancel"),
    path("scm/orders/<int:order_id>/close/", views.order_close, name="orders-close"),
    path(
        "scm/orders/from-opportunity/<int:opportunity_id>/",
        views.order_from_opportunity,
        name="orders-from-opportunity",
    ),
]
