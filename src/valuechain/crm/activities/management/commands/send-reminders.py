"""`valuechain send-reminders`: send due activity reminders now (for cron, without a worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from valuechain.crm.activities.reminders import send_due_reminders
from valuechain.platform.ops.cli import cli_command


class Command(BaseCommand):
    """Send every due activity reminder once."""

    help = "E-mail the assignees of activities whose reminder time has come (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        with cli_command():
            sent = send_due_reminders()
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
