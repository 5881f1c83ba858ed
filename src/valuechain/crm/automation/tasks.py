"""Background jobs of automation: sending a rule's e-mail after its run committed."""

from __future__ import annotations

from valuechain.crm.automation.executor import send_email_for_run
from valuechain.platform.jobs.queue import tenant_task


@tenant_task(max_attempts=5, backoff_seconds=60, name="automation_send_rule_email")
def send_rule_email(run_id: int, index: int, to: str, subject: str, body: str) -> None:
    """Send the e-mail of action ``index`` of a rule run; retried with backoff on failure."""
    send_email_for_run(run_id, index, to, subject, body)
