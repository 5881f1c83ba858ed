"""`valuechain serve [--port PORT] [--host HOST] [--no-worker]`: the web app plus the job worker.

The worker runs as a child process (`python -m valuechain worker`) so a crash in a job never
takes the web server down; it is stopped when the server stops, also on SIGTERM. The web
app runs in the foreground under Django's threaded server without autoreload.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

WORKER_STOP_SECONDS = 15


def _default_port() -> int:
    """PORT from the environment, else 8000."""
    raw = os.environ.get("PORT", "8000")
    try:
        return int(raw)
    except ValueError as error:
        raise CommandError(f"PORT must be a number, not {raw!r}.") from error


def _die_with_parent() -> None:
    """In the child: ask Linux to send SIGTERM if the server dies without cleaning up."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the finally block in handle() must do
        pass


def _worker_command() -> str | None:
    """The management command that runs the job consumer."""
    commands = get_commands()
    if "worker" in commands:
        return "worker"
    return "run_huey" if "run_huey" in commands else None


class Command(BaseCommand):
    """Serve the web app in the foreground and the job worker beside it."""

    help = "Serve valuechain on http://HOST:PORT/ with the job worker; Ctrl-C stops both."
    requires_system_checks: list[str] = []  # runserver runs them

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, help="TCP port (default: $PORT, else 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background job worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"] if options["port"] is not None else _default_port()
        if not 0 < port < 65536:
            raise CommandError(f"Port {port} is out of range (1-65535).")
        host: str = options["host"]
        ipv6 = ":" in host
        address = f"[{host}]:{port}" if ipv6 else f"{host}:{port}"
        self._stopping = threading.Event()
        worker = None if options["no_worker"] else self._start_worker()
        previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            self.stdout.write(f"valuechain is serving http://{address}/ (Ctrl-C to stop)")
            self.stdout.write(
                f"  sign in: http://{address}/login/   health: http://{address}/healthz"
            )
            call_command(
                "runserver", address, use_reloader=False, use_threading=True, use_ipv6=ipv6
            )
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen[bytes] | None:
        if settings.HUEY.get("immediate"):
            self.stdout.write("Jobs run inline (VALUECHAIN_JOBS_IMMEDIATE): no worker started.")
            return None
        command = _worker_command()
        if command is None:
            self.stderr.write("No worker command is installed: background jobs will wait.")
            return None
        worker = subprocess.Popen(
            [sys.executable, "-m", "valuechain", command],
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.stdout.write(f"Job worker started (pid {worker.pid}).")
        threading.Thread(target=self._watch_worker, args=(worker,), daemon=True).start()
        return worker

    def _watch_worker(self, worker: subprocess.Popen[bytes]) -> None:
        code = worker.wait()
        if not self._stopping.is_set():
            self.stderr.write(
                f"The job worker exited with code {code}; background jobs will wait. "
                "Restart valuechain serve, or run valuechain worker on its own."
            )

    def _stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        self._stopping.set()
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)  # Huey finishes running jobs on SIGINT
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        self.stdout.write("Job worker stopped.")


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into the Ctrl-C path so the worker is stopped too."""
    raise KeyboardInterrupt
