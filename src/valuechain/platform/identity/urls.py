"""Pages of identity: sign-in and sign-out, API tokens, members."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from valuechain.platform.identity import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),  # POST only since Django 5
    path("settings/tokens/", views.token_list, name="identity-tokens"),
    path("settings/tokens/new/", views.token_create, name="identity-token-create"),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        views.token_revoke,
        name="identity-token-revoke",
    ),
    path("settings/members/", views.member_list, name="identity-members"),
    path("settings/members/new/", views.member_add, name="identity-member-add"),
    path("settings/members/<int:member_id>/", views.member_update, name="identity-member"),
]
