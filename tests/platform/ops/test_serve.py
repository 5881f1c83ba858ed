"""`valuechain serve`: port choice, the worker child process and its shutdown."""

from __future__ import annotations

import signal
import sys
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from valuechain.platform.ops.management.commands import serve


class FakeWorker:
    """Stands in for the worker process: remembers the signals it got."""

    pid = 4242

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        self.argv = argv
        self.signals: list[int] = []
        self.returncode: int | None = None
        self.exited = threading.Event()

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)
        self.returncode = 0
        self.exited.set()

    def wait(self, timeout: float | None = None) -> int:
        self.exited.wait()  # the watcher thread blocks here until the server stops the worker
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        self.returncode = -9
        self.exited.set()


@pytest.fixture
def started(monkeypatch, settings):
    """Record runserver calls and worker processes instead of starting them."""
    settings.HUEY = {**settings.HUEY, "immediate": False}
    record: dict[str, Any] = {"runserver": [], "workers": []}

    def fake_call_command(name: str, *args: Any, **options: Any) -> None:
        record["runserver"].append((name, args, options))

    def fake_popen(argv: list[str], **kwargs: Any) -> FakeWorker:
        worker = FakeWorker(argv, **kwargs)
        record["workers"].append(worker)
        return worker

    monkeypatch.setattr(serve, "call_command", fake_call_command)
    monkeypatch.setattr(serve.subprocess, "Popen", fake_popen)
    return record


def run(*args: str) -> str:
    out = StringIO()
    call_command("serve", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_serve_starts_the_worker_then_runserver_then_stops_the_worker(started, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)

    output = run()

    (worker,) = started["workers"]
    assert worker.argv == [sys.executable, "-m", "valuechain", "worker"]
    assert started["runserver"] == [
        (
            "runserver",
            ("127.0.0.1:8000",),
            {"use_reloader": False, "use_threading": True, "use_ipv6": False},
        )
    ]
    assert worker.signals == [signal.SIGINT]
    assert output.splitlines() == [
        "Job worker started (pid 4242).",
        "valuechain is serving http://127.0.0.1:8000/ (Ctrl-C to stop)",
        "  sign in: http://127.0.0.1:8000/login/   health: http://127.0.0.1:8000/healthz",
        "Job worker stopped.",
    ]


def test_port_comes_from_the_option_then_the_environment(started, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    run("--no-worker")
    run("--port", "9000", "--host", "192.0.2.10", "--no-worker")

    assert [call[1] for call in started["runserver"]] == [("127.0.0.1:8123",), ("192.0.2.10:9000",)]
    assert started["workers"] == []


def test_ipv6_host_is_bracketed(started):
    run("--host", "::1", "--port", "8001", "--no-worker")

    assert started["runserver"][0][1:] == (
        ("[::1]:8001",),
        {"use_reloader": False, "use_threading": True, "use_ipv6": True},
    )


def test_bad_port_is_refused(started, monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(CommandError, match=r"^PORT must be a number, not 'eighty'\.$"):
        run("--no-worker")
    with pytest.raises(CommandError, match=r"^Port 70000 is out of range \(1-65535\)\.$"):
        run("--port", "70000", "--no-worker")
    assert started["runserver"] == []


def test_no_worker_when_jobs_run_inline(started, settings):
    settings.HUEY = {**settings.HUEY, "immediate": True}

    output = run("--port", "8001")

    assert started["workers"] == []
    assert output.splitlines()[0] == (
        "Jobs run inline (VALUECHAIN_JOBS_IMMEDIATE): no worker started."
    )


def test_sigterm_takes_the_ctrl_c_path():
    with pytest.raises(KeyboardInterrupt):
        serve._stop_on_sigterm(signal.SIGTERM, None)
