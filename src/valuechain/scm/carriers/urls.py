"""Pages of carriers."""

from django.urls import path

from valuechain.scm.carriers import views

P = "scm/carriers"

urlpatterns = [
    path(f"{P}/", views.carrier_list, name="carriers-list"),
    path(f"{P}/compare/", views.compare, name="carriers-compare"),
    path(f"{P}/<int:carrier_id>/", views.carrier_detail, name="carriers-detail"),
    path(f"{P}/rate-cards/<int:rate_card_id>/", views.rate_card_detail, name="carriers-rate-card"),
]
