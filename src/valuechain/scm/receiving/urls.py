"""Pages of receiving."""

from django.urls import path

from valuechain.scm.receiving import views

urlpatterns = [
    path("scm/receiving/", views.expected, name="receiving-expected"),
    path("scm/receiving/receipts/", views.receipt_list, name="receiving-receipts"),
    path(
        "scm/receiving/receipts/<int:receipt_id>/", views.receipt_detail, name="receiving-receipt"
    ),
    path("scm/receiving/asns/", views.asn_list, name="receiving-asns"),
    path("scm/receiving/asns/new/", views.asn_create, name="receiving-asn-create"),
    path("scm/receiving/asns/<int:asn_id>/", views.asn_detail, name="receiving-asn"),
    path("scm/receiving/asns/<int:asn_id>/cancel/", views.asn_cancel, name="receiving-asn-cancel"),
    path("scm/receiving/settings/", views.settings_page, name="receiving-settings"),
    path("scm/receiving/settings/save/", views.settings_save, name="receiving-settings-save"),
    path(
        "scm/receiving/orders/<int:order_id>/",
        views.receive_screen,
        name="receiving-screen",
    ),
    path(
        "scm/receiving/orders/<int:order_id>/scan/",
        views.receive_scan,
        name="receiving-scan",
    ),
    path(
        "scm/receiving/orders/<int:order_id>/clear/",
        views.receive_clear,
        name="receiving-clear",
    ),
    path(
        "scm/receiving/orders/<int:order_id>/submit/",
        views.receive_submit,
        name="receiving-submit",
    ),
]
