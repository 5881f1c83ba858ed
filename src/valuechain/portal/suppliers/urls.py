"""URLs of the supplier extranet."""

from django.urls import path

from valuechain.portal.suppliers import views

urlpatterns = [
    path("portal/supplier/rfqs/", views.rfq_list, name="portal-supplier-rfqs"),
    path("portal/supplier/rfqs/<int:rfq_id>/", views.rfq_detail, name="portal-supplier-rfq"),
    path(
        "scm/suppliers/<int:supplier_id>/extranet/",
        views.supplier_access,
        name="portal-supplier-access",
    ),
    path(
        "scm/suppliers/<int:supplier_id>/extranet/<int:link_id>/",
        views.supplier_access_state,
        name="portal-supplier-access-state",
    ),
]
