"""Pages of customers."""

from django.urls import path

from valuechain.crm.customers import customer360_views, interaction_views, merge_views, views

urlpatterns = [
    path("crm/accounts/", views.account_list, name="customers-account-list"),
    path("crm/accounts/new/", views.account_create, name="customers-account-create"),
    path("crm/accounts/<int:account_id>/", views.account_detail, name="customers-account-detail"),
    path("crm/accounts/<int:account_id>/edit/", views.account_edit, name="customers-account-edit"),
    path("crm/people/", views.person_list, name="customers-person-list"),
    path("crm/people/new/", views.person_create, name="customers-person-create"),
    path("crm/people/<int:person_id>/", views.person_detail, name="customers-person-detail"),
    path("crm/people/<int:person_id>/edit/", views.person_edit, name="customers-person-edit"),
    path(
        "crm/accounts/<int:party_id>/timeline/",
        interaction_views.timeline,
        {"kind": "account"},
        name="customers-account-timeline",
    ),
    path(
        "crm/accounts/<int:party_id>/log-activity/",
        interaction_views.log_activity,
        {"kind": "account"},
        name="customers-account-log-activity",
    ),
    path(
        "crm/people/<int:party_id>/timeline/",
        interaction_views.timeline,
        {"kind": "person"},
        name="customers-person-timeline",
    ),
    path(
        "crm/people/<int:party_id>/log-activity/",
        interaction_views.log_activity,
        {"kind": "person"},
        name="customers-person-log-activity",
    ),
    path(
        "crm/accounts/<int:party_id>/360/",
        customer360_views.customer_360,
        {"kind": "account"},
        name="customers-account-360",
    ),
    path(
        "crm/accounts/<int:party_id>/360/timeline/",
        customer360_views.customer_360_timeline,
        {"kind": "account"},
        name="customers-account-360-timeline",
    ),
    path(
        "crm/people/<int:party_id>/360/",
        customer360_views.customer_360,
        {"kind": "person"},
        name="customers-person-360",
    ),
    path(
        "crm/people/<int:party_id>/360/timeline/",
        customer360_views.customer_360_timeline,
        {"kind": "person"},
        name="customers-person-360-timeline",
    ),
    path(
        "crm/interactions/unmatched/",
        interaction_views.unmatched_list,
        name="customers-unmatched-list",
    ),
    path(
        "crm/interactions/<int:interaction_id>/resolve/",
        interaction_views.unmatched_resolve,
        name="customers-unmatched-resolve",
    ),
    path(
        "crm/interactions/<int:interaction_id>/dismiss/",
        interaction_views.unmatched_dismiss,
        name="customers-unmatched-dismiss",
    ),
    path("crm/duplicates/", merge_views.duplicate_list, name="customers-duplicate-list"),
    path("crm/duplicates/scan/", merge_views.duplicate_scan, name="customers-duplicate-scan"),
    path(
        "crm/duplicates/<int:candidate_id>/dismiss/",
        merge_views.duplicate_dismiss,
        name="customers-duplicate-dismiss",
    ),
    path(
        "crm/merge/<str:kind>/<int:survivor_id>/<int:loser_id>/",
        merge_views.merge_review,
        name="customers-merge-review",
    ),
    path("crm/merges/", merge_views.merge_list, name="customers-merge-list"),
    path("crm/merges/<int:merge_id>/undo/", merge_views.merge_undo, name="customers-merge-undo"),
]
