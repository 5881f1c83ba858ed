"""Pages of payables."""

from django.urls import path

from valuechain.scm.payables import views

urlpatterns = [
    path("scm/bills/", views.bill_list, name="payables-bills"),
    path("scm/bills/new/", views.bill_create, name="payables-bill-create"),
    path("scm/bills/aging/", views.aging, name="payables-aging"),
    path("scm/bills/<int:bill_id>/", views.bill_detail, name="payables-bill"),
    path("scm/bills/<int:bill_id>/refuse/", views.bill_refuse, name="payables-bill-refuse"),
    path("scm/bills/<int:bill_id>/payments/", views.bill_payment, name="payables-bill-payment"),
    path(
        "scm/bills/<int:bill_id>/credit/",
        views.bill_apply_credit,
        name="payables-bill-apply-credit",
    ),
    path("scm/bills/<int:bill_id>/<str:action>/", views.bill_action, name="payables-bill-action"),
    path("scm/payables/settings/", views.settings_page, name="payables-settings"),
    path("scm/payables/settings/save/", views.settings_save, name="payables-settings-save"),
    path("scm/vendor-returns/", views.return_list, name="payables-returns"),
    path("scm/vendor-returns/new/", views.return_create, name="payables-return-create"),
    path("scm/vendor-returns/<int:return_id>/", views.return_detail, name="payables-return"),
    path(
        "scm/vendor-returns/<int:return_id>/credit-note/",
        views.credit_note_receive,
        name="payables-credit-note-receive",
    ),
    path(
        "scm/vendor-returns/<int:return_id>/<str:action>/",
        views.return_action,
        name="payables-return-action",
    ),
]
