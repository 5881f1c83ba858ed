"""Charts and facts lists are styled by the shared components stylesheet every page links,
not by one area's stylesheet (quality, valuation, manufacturing and scorecard pages chart too)."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def _css(path: str) -> str:
    found = finders.find(path)
    assert found, path
    with open(str(found), encoding="utf-8") as handle:
        return handle.read()


def test_chart_and_facts_styles_live_in_the_components_stylesheet():
    shared = _css("web/components.css")
    for rule in (".chart {", ".chart .bar-won {", ".chart-legend {", ".swatch-quota {", ".facts {"):
        assert rule in shared, rule
    sales = _css("sales/sales.css")
    assert ".chart" not in sales
    assert ".facts" not in sales
    assert ".board-column {" in sales


def test_a_chart_page_gets_the_components_stylesheet_without_the_sales_one(client_a):
    response = client_a.get("/scm/quality/defect-rates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/web/components.css" in page
    assert "sales/sales.css" not in page
    forecast = client_a.get("/crm/forecast/")
    assert forecast.status_code == 200
    assert "sales/sales.css" not in forecast.content.decode()
