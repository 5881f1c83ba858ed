"""Pages of fulfillment."""

from django.urls import path

from valuechain.scm.fulfillment import views

P = "scm/fulfillment"

urlpatterns = [
    path(f"{P}/pick-lists/", views.pick_list_list, name="fulfillment-pick-lists"),
    path(f"{P}/pick-lists/new/", views.pick_list_create, name="fulfillment-pick-list-create"),
    path(
        f"{P}/pick-lists/<int:pick_list_id>/",
        views.pick_list_detail,
        name="fulfillment-pick-list",
    ),
    path(
        f"{P}/pick-lists/<int:pick_list_id>/lines/<int:line_id>/pick/",
        views.pick_confirm,
        name="fulfillment-pick-confirm",
    ),
    path(
        f"{P}/pick-lists/<int:pick_list_id>/scan/",
        views.pick_scan,
        name="fulfillment-pick-scan",
    ),
    path(
        f"{P}/pick-lists/<int:pick_list_id>/close/",
        views.pick_list_close,
        name="fulfillment-pick-list-close",
    ),
    path(
        f"{P}/pick-lists/<int:pick_list_id>/cancel/",
        views.pick_list_cancel,
        name="fulfillment-pick-list-cancel",
    ),
    path(f"{P}/pack/", views.pack_screen, name="fulfillment-pack"),
    path(f"{P}/packages/new/", views.package_create, name="fulfillment-package-create"),
    path(f"{P}/packages/<int:package_id>/", views.package_detail, name="fulfillment-package"),
    path(
        f"{P}/packages/<int:package_id>/pack/",
        views.package_pack,
        name="fulfillment-package-pack",
    ),
    path(
        f"{P}/packages/<int:package_id>/close/",
        views.package_close,
        name="fulfillment-package-close",
    ),
    path(
        f"{P}/packages/<int:package_id>/reopen/",
        views.package_reopen,
        name="fulfillment-package-reopen",
    ),
    path(
        f"{P}/packages/<int:package_id>/cancel/",
        views.package_cancel,
        name="fulfillment-package-cancel",
    ),
    path(f"{P}/shipments/", views.shipment_list, name="fulfillment-shipments"),
    path(f"{P}/shipments/new/", views.shipment_create, name="fulfillment-shipment-create"),
    path(
        f"{P}/shipments/<int:shipment_id>/",
        views.shipment_detail,
        name="fulfillment-shipment",
    ),
    path(
        f"{P}/shipments/<int:shipment_id>/update/",
        views.shipment_update,
        name="fulfillment-shipment-update",
    ),
    path(
        f"{P}/shipments/<int:shipment_id>/commercial-invoice.pdf",
        views.shipment_commercial_invoice,
        name="fulfillment-shipment-commercial-invoice",
    ),
    path(
        f"{P}/shipments/<int:shipment_id>/tracking-events/",
        views.shipment_tracking_event,
        name="fulfillment-shipment-tracking-event",
    ),
]
