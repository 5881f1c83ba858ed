"""Pages of customers."""

from django.urls import path

from valuechain.crm.customers import views

urlpatterns = [
    path("crm/accounts/", views.account_list, name="customers-account-list"),
    path("crm/accounts/new/", views.account_create, name="customers-account-create"),
    path("crm/accounts/<int:account_id>/", views.account_detail, name="customers-account-detail"),
    path("crm/accounts/<int:account_id>/edit/", views.account_edit, name="customers-account-edit"),
    path("crm/people/", views.person_list, name="customers-person-list"),
    path("crm/people/new/", views.person_create, name="customers-person-create"),
    path("crm/people/<int:person_id>/", views.person_detail, name="customers-person-detail"),
    path("crm/people/<int:person_id>/edit/", views.person_edit, name="customers-person-edit"),
]
