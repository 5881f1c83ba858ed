"""Pages of purchasing."""

from django.urls import path

from valuechain.scm.purchasing import views

urlpatterns = [
    path("scm/purchase-orders/", views.order_list, name="purchasing-orders"),
    path("scm/purchase-orders/new/", views.order_create, name="purchasing-order-create"),
    path("scm/purchase-orders/<int:order_id>/", views.order_detail, name="purchasing-order"),
    path(
        "scm/purchase-orders/<int:order_id>/edit/", views.order_edit, name="purchasing-order-edit"
    ),
    path("scm/purchase-orders/<int:order_id>/pdf/", views.order_pdf, name="purchasing-order-pdf"),
    path(
        "scm/purchase-orders/<int:order_id>/lines/",
        views.order_add_line,
        name="purchasing-order-add-line",
    ),
    path(
        "scm/purchase-orders/<int:order_id>/lines/<int:line_id>/remove/",
        views.order_remove_line,
        name="purchasing-order-remove-line",
    ),
    path(
        "scm/purchase-orders/<int:order_id>/<slug:action>/",
        views.order_action,
        name="purchasing-order-action",
    ),
    path("scm/rfqs/", views.rfq_list, name="purchasing-rfqs"),
    path("scm/rfqs/new/", views.rfq_create, name="purchasing-rfq-create"),
    path("scm/rfqs/<int:rfq_id>/", views.rfq_detail, name="purchasing-rfq"),
    path("scm/rfqs/<int:rfq_id>/quotes/", views.rfq_quote, name="purchasing-rfq-quote"),
    path("scm/rfqs/<int:rfq_id>/compare/", views.rfq_compare, name="purchasing-rfq-compare"),
    path("scm/rfqs/<int:rfq_id>/award/", views.rfq_award, name="purchasing-rfq-award"),
    path("scm/rfqs/<int:rfq_id>/<slug:action>/", views.rfq_action, name="purchasing-rfq-action"),
    path("scm/purchase-proposals/", views.proposal_list, name="purchasing-proposals"),
    path("scm/purchase-proposals/order/", views.proposal_order, name="purchasing-proposals-order"),
]
