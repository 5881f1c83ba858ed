"""GET /healthz: database and queue state, 200 when healthy, 503 otherwise, no sign-in."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

from valuechain.platform.ops import services as ops


@pytest.fixture
def anonymous(db) -> Client:
    return Client()


def test_healthz_url():
    assert reverse("healthz") == "/healthz"


def test_healthy_answers_200_with_database_and_queue(anonymous):
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"status", "database", "queue"}
    assert body["status"] == "ok"
    assert set(body["database"]) == {"ok", "vendor", "latency_ms"}
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connection.vendor
    assert isinstance(body["database"]["latency_ms"], float)
    assert body["database"]["latency_ms"] >= 0
    assert body["queue"]["ok"] is True


def test_database_failure_answers_503_without_the_driver_message(anonymous, monkeypatch):
    def refuse() -> None:
        raise DatabaseError('connection to server at "db.internal" failed: password secret')

    monkeypatch.setattr(ops, "_ping_database", refuse)

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"ok": False, "vendor": connection.vendor, "latency_ms": None}
    assert "secret" not in response.content.decode()
    assert "db.internal" not in response.content.decode()


def test_queue_failure_answers_503(anonymous, monkeypatch):
    def broken() -> dict[str, object]:
        raise ConnectionError("redis://:hunter2@cache:6379 refused")

    monkeypatch.setattr(ops, "_queue_status", broken)

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.json()["queue"] == {"ok": False}
    assert "hunter2" not in response.content.decode()


def test_queue_reporting_not_ok_answers_503(anonymous, monkeypatch):
    monkeypatch.setattr(ops, "queue_health", lambda: {"ok": False, "pending": 3})

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"


def test_healthz_needs_no_sign_in_and_works_for_members_too(client_a):
    assert client_a.get("/healthz").status_code == 200


def test_healthz_refuses_writes(anonymous):
    assert anonymous.post("/healthz").status_code == 405


def test_healthz_answers_head(anonymous):
    assert anonymous.head("/healthz").status_code == 200


def test_healthz_output_holds_no_configuration_secrets(anonymous, settings):
    text = anonymous.get("/healthz").content.decode()

    assert settings.SECRET_KEY not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text


def test_queue_error_text_is_not_published(anonymous, monkeypatch):
    monkeypatch.setattr(
        ops,
        "_queue_status",
        lambda: {"backend": "redis", "ok": False, "pending": 0, "error": "auth :hunter2 failed"},
    )

    response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.json()["queue"] == {
        "backend": "redis",
        "ok": False,
        "pending": 0,
        "error": "unavailable",
    }
