"""Running rules: the subscriber's work for one event, the actions, loop protection, dry runs.

For an event, each active rule of the tenant for its type (in ``position`` order) loads its
record, evaluates its conditions and, when they hold, runs its actions in order inside a
savepoint: an action that fails undoes the rule's earlier actions and the run is logged as
failed, while the other rules still run. Every rule that meets an event concerning its
record type leaves one RuleRun.

Loop protection: while a rule's actions run, a ContextVar is set and every OutboxEvent
saved meanwhile is collected; after the run is written, each becomes a CausedEvent row
pointing at the run. When such an event is dispatched (right after commit, by the sweeper
or in a job: the lookup is in the database, so it works everywhere), its runs inherit
depth + 1 and the chain of (rule, record) links. ``domain.loop_reason`` then blocks a rule
that already acted on the record in this chain and any run past ``domain.MAX_DEPTH``.

E-mails and webhooks never leave inside the transaction: e-mails are sent by a job
enqueued after commit, webhooks are deliveries of the platform's signed webhook machinery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from valuechain.crm.automation import domain
from valuechain.crm.automation.models import (
    CausedEvent,
    EmailTemplate,
    RoundRobinCursor,
    Rule,
    RuleRun,
)
from valuechain.crm.automation.targets import Target, get_target, targets_for_event
from valuechain.platform.errors import DomainError
from valuechain.platform.events import webhooks
from valuechain.platform.events.models import OutboxEvent, WebhookEndpoint
from valuechain.platform.events.services import publish

logger = logging.getLogger(__name__)

WEBHOOK_EVENT = "RuleWebhookTriggered"
_collecting: ContextVar[list[str] | None] = ContextVar("automation_caused_events", default=None)


def collect_published_event(
    sender: Any, instance: OutboxEvent, created: bool, **kwargs: Any
) -> None:
    """post_save receiver: remember events published while a rule's actions run."""
    events = _collecting.get()
    if created and events is not None:
        events.append(str(instance.pk))


@contextmanager
def _collect() -> Iterator[list[str]]:
    events: list[str] = []
    token = _collecting.set(events)
    try:
        yield events
    finally:
        _collecting.reset(token)


@dataclass
class Step:
    """What running one rule for one record needs and produces."""

    rule: Rule
    target: Target
    record_id: str
    values: dict[str, Any]
    results: list[dict[str, Any]] = field(default_factory=list)
    after_run: list[Callable[[int], None]] = field(default_factory=list)


class ActionFailed(Exception):
    """An action could not be carried out; the rule's run is logged as failed."""


# --- the subscriber's entry point --------------------------------------------------------


def _cause(event_id: Any) -> tuple[int, list[list[Any]]]:
    """Depth and chain an event inherits from the run whose actions published it."""
    caused = CausedEvent.objects.filter(event_id=event_id).select_related("run").first()
    if caused is None:
        return 0, []
    return caused.run.depth + 1, list(caused.run.chain or [])


def run_rules_for_event(event: OutboxEvent) -> list[RuleRun]:
    """Run the tenant's active rules for the event; returns the runs written."""
    keys = [target.key for target in targets_for_event(event.type)]
    if not keys:
        return []
    rules = list(
        Rule.objects.filter(event_type=event.type, is_active=True, target_type__in=keys).order_by(
            "position", "pk"
        )
    )
    if not rules:
        return []
    depth, chain = _cause(event.pk)
    done = set(RuleRun.objects.filter(event_id=event.pk).values_list("rule_id", flat=True))
    runs: list[RuleRun] = []
    for rule in rules:
        target = get_target(rule.target_type)
        binding = target.binding(event.type) if target else None
        if target is None or binding is None or rule.pk in done:
            continue
        record_id = binding.record_id(event.payload or {})
        if record_id in (None, ""):
            continue  # the event is about a record of another type (a person, not an account)
        changed = binding.changed(event.payload or {}) if binding.changed else None
        runs.append(_run_rule(rule, target, event, str(record_id), changed, depth, chain))
    return runs


@dataclass
class RunLog:
    """Collects what a run log row needs while a rule meets an event."""

    rule: Rule
    target: Target
    event: OutboxEvent
    record_id: str
    depth: int
    chain: list[list[Any]]
    started: Any = field(default_factory=timezone.now)
    label: str = ""
    conditions: list[dict[str, Any]] = field(default_factory=list)

    def write(
        self,
        status: str,
        *,
        results: list[dict[str, Any]] | None = None,
        error: str = "",
        chain: list[list[Any]] | None = None,
    ) -> RuleRun:
        """Store the run."""
        return RuleRun.objects.create(
            rule=self.rule,
            event_id=self.event.pk,
            event_type=self.event.type,
            target_type=self.target.key,
            record_id=self.record_id,
            record_label=self.label[:200],
            status=status,
            conditions=self.conditions,
            results=results or [],
            error=error[:4000],
            depth=self.depth,
            chain=self.chain if chain is None else chain,
            started_at=self.started,
            finished_at=timezone.now(),
        )


def _failure(exc: Exception, step: Step) -> tuple[str, list[dict[str, Any]]]:
    """The error message and per-action results of a run whose actions were undone."""
    message = exc.message if isinstance(exc, DomainError) else str(exc) or type(exc).__name__
    results = [{**result, "status": "rolled_back"} for result in step.results]
    failed_index = len(step.results)
    if failed_index < len(step.rule.actions):
        failed_type = step.rule.actions[failed_index]["type"]
        results.append({"type": failed_type, "status": "failed", "detail": message})
    return message, results


def _run_rule(
    rule: Rule,
    target: Target,
    event: OutboxEvent,
    record_id: str,
    changed: frozenset[str] | None,
    depth: int,
    chain: list[list[Any]],
) -> RuleRun:
    log = RunLog(rule, target, event, record_id, depth, chain)
    record = target.load(record_id, False)
    if record is None:
        return log.write("skipped", error="The record no longer exists.")
    log.label = target.label_of(record)
    values = target.read(record)
    evaluation = domain.evaluate(
        domain.conditions_from_json(rule.conditions), rule.match, target.readable, values, changed
    )
    log.conditions = [result.as_dict() for result in evaluation.results]
    if not evaluation.passed:
        return log.write("skipped")
    link = domain.chain_key(rule.pk, target.key, record_id)
    reason = domain.loop_reason(depth, chain, link)
    if reason is not None:
        return log.write("loop_blocked", error=reason)
    step = Step(rule, target, record_id, values)
    try:
        with _collect() as caused, transaction.atomic():  # a savepoint per rule
            for index, action in enumerate(rule.actions):
                _run_action(step, index, action)
    except Exception as exc:  # one broken rule must not stop the others
        if not isinstance(exc, ActionFailed | DomainError):
            logger.exception("Rule %s failed on event %s", rule.pk, event.pk)
        message, results = _failure(exc, step)
        return log.write("failed", results=results, error=message)
    run = log.write("succeeded", results=step.results, chain=[*chain, link])
    CausedEvent.objects.bulk_create(
        [CausedEvent(tenant_id=run.tenant_id, event_id=event_id, run=run) for event_id in caused]
    )
    for callback in step.after_run:
        callback(run.pk)
    return run


# --- actions ------------------------------------------------------------------------------


def _reload(step: Step) -> None:
    """Read the record again after an action changed it, for the actions that follow."""
    record = step.target.load(step.record_id, False)
    if record is not None:
        step.values = step.target.read(record)


def _update_field(step: Step, index: int, params: dict[str, Any]) -> dict[str, Any]:
    name, value = params["field"], params["value"]
    step.target.write(step.record_id, name, value)
    _reload(step)
    return {"detail": f"Set {name} to {value!r}.", "field": name, "value": value}


def _locked_cursor(rule: Rule, index: int) -> RoundRobinCursor:
    """The rule action's round-robin cursor, locked; made on first use even under a race."""
    rows = RoundRobinCursor.objects.select_for_update()
    cursor = rows.filter(rule=rule, action_index=index).first()
    if cursor is not None:
        return cursor
    try:
        with transaction.atomic():  # a savepoint: losing the race to create it is harmless
            RoundRobinCursor.objects.create(rule=rule, action_index=index)
    except IntegrityError:
        pass
    return rows.get(rule=rule, action_index=index)


def _assign_owner(step: Step, index: int, params: dict[str, Any]) -> dict[str, Any]:
    candidates = [int(user_id) for user_id in params["user_ids"]]
    if params.get("mode") == "round_robin":
        cursor = _locked_cursor(step.rule, index)
        owner_id, cursor.next_index = domain.round_robin_pick(candidates, cursor.next_index)
        cursor.save(update_fields=["next_index", "updated_at"])
    else:
        owner_id = candidates[0]
    step.target.write(step.record_id, step.target.owner_field or "owner_id", owner_id)
    _reload(step)
    return {"detail": f"Assigned to user {owner_id}.", "owner_id": owner_id}


def _recipient(step: Step, params: dict[str, Any]) -> str:
    if params.get("to") == "user":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=int(params["user_id"])).first()
        return "" if user is None else str(user.email)
    return str(step.values.get(params.get("field") or "") or "")


def _send_email(step: Step, index: int, params: dict[str, Any]) -> dict[str, Any]:
    template = EmailTemplate.objects.filter(pk=params["template_id"]).first()
    if template is None:
        raise ActionFailed("The e-mail template was deleted.")
    to = _recipient(step, params)
    if not to:
        return {"status": "skipped", "detail": "No e-mail address to send to."}
    subject = domain.render(template.subject, step.values)
    body = domain.render(template.body, step.values)

    def enqueue(run_id: int) -> None:
        from valuechain.crm.automation.tasks import send_rule_email

        send_rule_email(run_id, index, to, subject, body)

    step.after_run.append(enqueue)
    return {"status": "queued", "detail": f"E-mail to {to}.", "to": to, "subject": subject}


def _call_webhook(step: Step, index: int, params: dict[str, Any]) -> dict[str, Any]:
    endpoint = WebhookEndpoint.objects.filter(pk=params["endpoint_id"]).first()
    if endpoint is None:
        raise ActionFailed("The webhook endpoint was deleted.")
    if not endpoint.is_active:
        return {"status": "skipped", "detail": f"Webhook {endpoint.url} is disabled."}
    event = publish(
        WEBHOOK_EVENT,
        {
            "rule_id": step.rule.pk,
            "rule": step.rule.name,
            "target_type": step.target.key,
            "record_id": step.record_id,
            "record": step.values,
            "endpoint_id": endpoint.pk,
        },
    )
    # The fan-out already delivers the event to endpoints subscribed to it; others get one
    # delivery of their own, signed and retried by the platform like any other.
    if not endpoint.wants(WEBHOOK_EVENT):
        webhooks._new_deliveries(event, [endpoint])
    return {"status": "queued", "detail": f"POST to {endpoint.url}.", "event_id": str(event.pk)}


def _create_task(step: Step, index: int, params: dict[str, Any]) -> dict[str, Any]:
    try:
        from valuechain.crm.activities.services import create_activity
    except ImportError as exc:
        raise ActionFailed("Tasks need the activities module, which is not installed.") from exc
    assignee = params.get("user_id") if params.get("assign_to") == "user" else None
    if assignee is None:
        assignee = step.values.get(step.target.owner_field or "owner_id")
    due = timezone.now() + timedelta(days=int(params.get("due_in_days") or 0))
    subject = domain.render(params["subject"], step.values)[:200]
    activity = create_activity(task_data(step.target.key, step.record_id, subject, due, assignee))
    return {"detail": f"Task {subject!r} due {due.date().isoformat()}.", "activity_id": activity.pk}


# Record types whose tasks link through a direct key rather than related_type/related_id.
TASK_PARTY_KEYS = {"customers.account": "account_id", "customers.person": "person_id"}


def task_data(
    target_key: str, record_id: str, subject: str, due: Any, assignee_id: Any
) -> dict[str, Any]:
    """The data ``activities.services.create_activity`` takes for a task on a record."""
    data: dict[str, Any] = {"kind": "task", "subject": subject, "due_at": due}
    if assignee_id:
        data["assignee_id"] = int(assignee_id)
    party_key = TASK_PARTY_KEYS.get(target_key)
    if party_key is not None:
        data[party_key] = int(record_id)
    else:
        data["related_type"] = target_key
        data["related_id"] = record_id
    return data


ACTIONS: dict[str, Callable[[Step, int, dict[str, Any]], dict[str, Any]]] = {
    "create_task": _create_task,
    "assign_owner": _assign_owner,
    "send_email": _send_email,
    "update_field": _update_field,
    "call_webhook": _call_webhook,
}


def _run_action(step: Step, index: int, action: dict[str, Any]) -> None:
    kind = action["type"]
    outcome = ACTIONS[kind](step, index, dict(action.get("params") or {}))
    step.results.append({"type": kind, "status": "done", **outcome})


# --- e-mail job ---------------------------------------------------------------------------


def send_email_for_run(run_id: int, index: int, to: str, subject: str, body: str) -> bool:
    """Send one rule e-mail (no transaction open) and mark it sent; False if it already was."""
    from django.conf import settings
    from django.core.mail import send_mail

    run = RuleRun.objects.filter(pk=run_id).first()
    if run is None:
        return False
    if index < len(run.results) and run.results[index].get("status") == "sent":
        return False  # a retried job: the e-mail left already
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    with transaction.atomic():
        run = RuleRun.objects.select_for_update().get(pk=run_id)
        results = list(run.results)
        if index < len(results):
            results[index] = {
                **results[index],
                "status": "sent",
                "sent_at": timezone.now().isoformat(),
            }
            run.results = results
            run.save(update_fields=["results", "updated_at"])
    return True
