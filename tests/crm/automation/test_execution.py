"""Running rules on events: actions, run log, failures, loop protection."""

from __future__ import annotations

from valuechain.crm.automation.models import RuleRun
from valuechain.crm.customers import services as customers

from .conftest import rule, set_field


def _runs(rule_row):
    return list(RuleRun.objects.filter(rule=rule_row).order_by("pk"))


def test_matching_rule_updates_the_field_and_logs_a_success(
    acme, django_capture_on_commit_callbacks
):
    a = rule(
        name="Retail is big",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "retail"}],
        actions=[set_field("size_band", "5000+")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    acme.refresh_from_db()
    assert acme.size_band == "5000+"
    run, own_echo = _runs(a)
    # Its own update is an AccountUpdated too, which changed size_band, not industry.
    assert (own_echo.status, own_echo.depth) == ("skipped", 1)
    assert run.status == "succeeded"
    assert run.depth == 0
    assert run.record_id == str(acme.pk)
    assert run.results[0]["status"] == "done"
    assert run.conditions[0]["passed"] is True


def test_loop_a_b_a_stops_and_is_logged(acme, django_capture_on_commit_callbacks):
    a = rule(
        name="A",
        conditions=[{"field": "industry", "operator": "changed_to", "value": "retail"}],
        actions=[set_field("legal_name", "Acme A")],
    )
    b = rule(
        name="B",
        conditions=[{"field": "legal_name", "operator": "changed_to", "value": "Acme A"}],
        actions=[set_field("industry", "Retail")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        customers.update_account(acme.pk, industry="Retail")
    a_runs = _runs(a)
    b_runs = _runs(b)
    print([(r.status, r.depth, r.error) for r in a_runs], [(r.status, r.depth) for r in b_runs])
