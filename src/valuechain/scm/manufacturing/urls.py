"""Pages of manufacturing."""

from django.urls import path

from valuechain.scm.manufacturing import views

urlpatterns = [
    path("scm/work-orders/", views.work_order_list, name="manufacturing-work-orders"),
    path("scm/work-orders/new/", views.work_order_create, name="manufacturing-work-order-create"),
    path(
        "scm/work-orders/<int:work_order_id>/",
        views.work_order_detail,
        name="manufacturing-work-order",
    ),
    path(
        "scm/work-orders/<int:work_order_id>/production/",
        views.work_order_production,
        name="manufacturing-work-order-production",
    ),
    path(
        "scm/work-orders/<int:work_order_id>/<slug:action>/",
        views.work_order_action,
        name="manufacturing-work-order-action",
    ),
    path(
        "scm/supply-requests/<int:supply_request_id>/work-order/",
        views.supply_request_work_order,
        name="manufacturing-supply-request-work-order",
    ),
    path("scm/boms/", views.bom_list, name="manufacturing-boms"),
    path("scm/boms/new/", views.bom_create, name="manufacturing-bom-create"),
    path("scm/boms/<int:bom_id>/", views.bom_detail, name="manufacturing-bom"),
    path("scm/work-centres/", views.work_centre_list, name="manufacturing-work-centres"),
    path(
        "scm/work-centres/new/", views.work_centre_create, name="manufacturing-work-centre-create"
    ),
    path(
        "scm/work-centres/<int:work_centre_id>/",
        views.work_centre_detail,
        name="manufacturing-work-centre",
    ),
]
