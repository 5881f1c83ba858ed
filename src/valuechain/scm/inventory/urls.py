"""Pages of inventory."""

from django.urls import path

from valuechain.scm.inventory import valuation_views, views

urlpatterns = [
    path("scm/warehouses/", views.warehouse_list, name="inventory-warehouses"),
    path("scm/warehouses/new/", views.warehouse_create, name="inventory-warehouse-create"),
    path("scm/warehouses/<int:warehouse_id>/", views.warehouse_detail, name="inventory-warehouse"),
    path("scm/stock/", views.stock_overview, name="inventory-overview"),
    path("scm/stock/receive/", views.receive, name="inventory-receive"),
    path("scm/stock/moves/", views.move_list, name="inventory-moves"),
    path("scm/stock/transfers/", views.transfer_list, name="inventory-transfers"),
    path("scm/stock/transfers/new/", views.transfer_create, name="inventory-transfer-create"),
    path(
        "scm/stock/transfers/<int:transfer_id>/receive/",
        views.transfer_receive,
        name="inventory-transfer-receive",
    ),
    path("scm/stock/counts/", views.count_list, name="inventory-counts"),
    path("scm/stock/counts/new/", views.count_create, name="inventory-count-create"),
    path("scm/stock/counts/<int:count_id>/", views.count_detail, name="inventory-count"),
    path(
        "scm/stock/counts/<int:count_id>/<str:action>/",
        views.count_action,
        name="inventory-count-action",
    ),
    path("scm/reorder-rules/", views.rule_list, name="inventory-rules"),
    path("scm/reorder-rules/new/", views.rule_create, name="inventory-rule-create"),
    path("scm/reorder-rules/run/", views.rule_run, name="inventory-rules-run"),
    path(
        "scm/reorder-rules/<int:rule_id>/delete/", views.rule_delete, name="inventory-rule-delete"
    ),
    path("scm/supply-requests/", views.supply_list, name="inventory-supply"),
    path(
        "scm/supply-requests/<int:request_id>/state/",
        views.supply_state,
        name="inventory-supply-state",
    ),
    path("scm/stock/valuation/", valuation_views.valuation, name="inventory-valuation"),
    path(
        "scm/stock/valuation/settings/",
        valuation_views.costing_settings,
        name="inventory-costing-settings",
    ),
    path(
        "scm/stock/landed-costs/", valuation_views.landed_cost_list, name="inventory-landed-costs"
    ),
    path(
        "scm/stock/landed-costs/new/",
        valuation_views.landed_cost_create,
        name="inventory-landed-cost-create",
    ),
    path(
        "scm/stock/landed-costs/<int:landed_cost_id>/",
        valuation_views.landed_cost_detail,
        name="inventory-landed-cost",
    ),
    path(
        "scm/stock/landed-costs/<int:landed_cost_id>/<str:action>/",
        valuation_views.landed_cost_action,
        name="inventory-landed-cost-action",
    ),
]
