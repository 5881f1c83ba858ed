"""Configuration from the environment: secret key handling, SQLite durability, Redis queue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

PRINT_SETTINGS = (
    "import json, valuechain.settings as s; "
    "print(json.dumps({'key': s.SECRET_KEY, 'huey': s.HUEY['huey_class'], "
    "'cache': s.CACHES['default']['BACKEND'], 'db': s.DATABASES['default']['ENGINE']}))"
)


def _load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings module in a fresh interpreter with only the given variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VALUECHAIN_", "SECRET"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean.update({"VALUECHAIN_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = _load_settings(tmp_path)
    second = _load_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    key = json.loads(first.stdout)["key"]
    assert len(key) >= 50
    assert json.loads(second.stdout)["key"] == key
    stored = tmp_path / "var" / "secret_key"
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("secret", ["", "changeme", "django-insecure-abc", "short"])
def test_production_refuses_a_missing_or_default_secret(tmp_path, secret):
    result = _load_settings(tmp_path, VALUECHAIN_PRODUCTION="1", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "set SECRET_KEY to a random value of 32+ characters" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_accepts_a_real_secret(tmp_path):
    secret = uuid.uuid4().hex + uuid.uuid4().hex
    result = _load_settings(tmp_path, VALUECHAIN_PRODUCTION="1", SECRET_KEY=secret)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["key"] == secret


def test_redis_url_switches_queue_and_cache_to_redis(tmp_path):
    result = _load_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/15")
    loaded = json.loads(result.stdout)
    assert loaded["huey"] == "huey.RedisHuey"
    assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"
    default = json.loads(_load_settings(tmp_path).stdout)
    assert default["huey"] == "huey.SqliteHuey"


def test_postgres_urls_use_the_rls_backend(tmp_path):
    result = _load_settings(tmp_path, DATABASE_URL="postgres://app@127.0.0.1:5432/vc")
    assert json.loads(result.stdout)["db"] == "valuechain.platform.tenancy.pg"


def test_unsupported_database_is_refused(tmp_path):
    result = _load_settings(tmp_path, DATABASE_URL="mysql://root@127.0.0.1/vc")
    assert result.returncode != 0
    assert "DATABASE_URL scheme not supported: mysql" in result.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
def test_sqlite_runs_with_wal_and_full_sync(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15").ping())
    except redis.RedisError:
        return False


def test_jobs_round_trip_through_real_redis():
    if not _redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis at 127.0.0.1:6379 is required under CI=true")
        pytest.skip("Redis not reachable")
    from huey import RedisHuey

    queue = RedisHuey(f"vc-test-{uuid.uuid4().hex}", url="redis://127.0.0.1:6379/15")

    @queue.task()
    def add(a: int, b: int) -> int:
        return a + b

    try:
        result = add(2, 3)
        assert queue.pending_count() == 1
        task = queue.dequeue()
        queue.execute(task)
        assert result.get() == 5
        assert queue.pending_count() == 0
    finally:
        queue.flush()
