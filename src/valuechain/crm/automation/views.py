"""Pages of automation: rule list, rule builder (htmx rows), rule detail with run log, templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from valuechain.crm.automation import builder, queries, services
from valuechain.crm.automation.models import RUN_STATUSES, EmailTemplate, Rule
from valuechain.crm.automation.targets import all_targets
from valuechain.platform.errors import DomainError
from valuechain.platform.identity.decorators import requires
from valuechain.platform.identity.domain import allows
from valuechain.platform.web.pages import paginated

PER_PAGE = 50


def _can_write(request: HttpRequest) -> bool:
    return allows(getattr(request, "permissions", frozenset()), "crm", "write")


def _rule_or_404(rule_id: int) -> Rule:
    try:
        return queries.rule(rule_id)
    except DomainError as exc:
        raise Http404("No such rule.") from exc


def _template_or_404(template_id: int) -> EmailTemplate:
    try:
        return queries.template(template_id)
    except DomainError as exc:
        raise Http404("No such template.") from exc


# --- rules --------------------------------------------------------------------------------


@requires("crm", "read")
def rule_list(request: HttpRequest) -> HttpResponse:
    """/crm/automation/: the tenant's rules in run order, filterable by state and record type."""
    state = request.GET.get("state", "")
    target = request.GET.get("target", "")
    rows = queries.rules(
        is_active={"active": True, "inactive": False}.get(state),
        target_type=target or None,
        name=request.GET.get("q") or None,
    )
    context = {
        "page": paginated(request, rows, PER_PAGE),
        "can_write": _can_write(request),
        "state": state,
        "target": target,
        "q": request.GET.get("q", ""),
        "targets": all_targets(),
    }
    return render(request, "automation/rule_list.html", context)


def _builder_page(request: HttpRequest, rule: Rule | None, title: str) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        definition, conditions, actions = builder.parse(request.POST)
        try:
            if rule is None:
                saved = services.create_rule(definition)
            else:
                saved = services.update_rule(rule.pk, **definition)
        except DomainError as error:
            where = builder.place_error(error.field or "", error.message, conditions, actions)
            if where != "":
                errors[where or "form"] = error.message
        else:
            messages.success(request, f"Rule {saved.name} saved.")
            return redirect("automation-rule-detail", saved.pk)
        values = {**definition, "trigger": request.POST.get("trigger", "")}
    elif rule is not None:
        conditions, actions = builder.rows_of(rule)
        values = {
            "name": rule.name,
            "description": rule.description,
            "is_active": rule.is_active,
            "match": rule.match,
            "position": rule.position,
            "trigger": f"{rule.target_type}|{rule.event_type}",
        }
    else:
        conditions, actions = [], [builder.Row(builder.new_key(), {"type": "update_field"})]
        values = {"is_active": True, "match": "all", "position": 100, "trigger": ""}
    target, _event = builder.split_trigger(str(values.get("trigger", "")))
    context = {
        "title": title,
        "rule": rule,
        "values": values,
        "errors": errors,
        "conditions": conditions,
        "actions": actions,
        "triggers": builder.trigger_choices(),
        "trigger": values.get("trigger", ""),
        "options": builder.options(target),
    }
    return render(request, "automation/rule_form.html", context)


@requires("crm", "write")
def rule_create(request: HttpRequest) -> HttpResponse:
    """/crm/automation/rules/new/: the rule builder."""
    return _builder_page(request, None, "New rule")


@requires("crm", "write")
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """/crm/automation/rules/<id>/edit/: change a rule in the builder."""
    rule = _rule_or_404(rule_id)
    return _builder_page(request, rule, f"Edit {rule.name}")


@requires("crm", "write")
def builder_rows(request: HttpRequest) -> HttpResponse:
    """htmx: the condition and action sections for the chosen trigger (its fields)."""
    trigger = request.GET.get("trigger", "")
    target, _event = builder.split_trigger(trigger)
    context = {
        "conditions": [],
        "actions": [builder.Row(builder.new_key(), {"type": "update_field"})],
        "options": builder.options(target),
        "trigger": trigger,
    }
    return render(request, "automation/_rows.html", context)


@requires("crm", "write")
def builder_condition(request: HttpRequest) -> HttpResponse:
    """htmx: one empty condition row for the trigger's record type."""
    target, _event = builder.split_trigger(request.GET.get("trigger", ""))
    context = {"row": builder.Row(builder.new_key()), "options": builder.options(target)}
    return render(request, "automation/_condition_row.html", context)


@requires("crm", "write")
def builder_action(request: HttpRequest) -> HttpResponse:
    """htmx: one action row of the chosen type (its parameters) for the trigger's record type."""
    target, _event = builder.split_trigger(request.GET.get("trigger", ""))
    key = request.GET.get("key", "")
    key = key if key.isalnum() and len(key) <= 16 else builder.new_key()
    kind = request.GET.get(f"act-{key}-type") or request.GET.get("type", "update_field")
    row = builder.Row(key, {"type": kind})
    context = {
        "row": row,
        "options": builder.options(target),
        "trigger": request.GET.get("trigger", ""),
    }
    return render(request, "automation/_action_row.html", context)


@requires("crm", "write")
def builder_blank(request: HttpRequest) -> HttpResponse:
    """htmx: nothing (a removed row is swapped for it)."""
    return HttpResponse("")


class DryRunForm(forms.Form):
    """The record to test a rule against."""

    record_id = forms.CharField(max_length=64, label="Record id")


@requires("crm", "read")
def rule_detail(request: HttpRequest, rule_id: int) -> HttpResponse:
    """/crm/automation/rules/<id>/: the definition, a dry run and the run log."""
    rule = _rule_or_404(rule_id)
    status = request.GET.get("status", "")
    if status not in RUN_STATUSES:
        status = ""
    runs = queries.runs(rule.pk, status or None)
    test_form = DryRunForm(request.GET if "record_id" in request.GET else None)
    dry_run = None
    if test_form.is_bound and test_form.is_valid():
        try:
            dry_run = queries.dry_run(rule.pk, test_form.cleaned_data["record_id"])
        except DomainError as error:
            test_form.add_error("record_id", error.message)
    context = {
        "rule": rule,
        "page": Paginator(runs, PER_PAGE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": RUN_STATUSES,
        "can_write": _can_write(request),
        "test_form": test_form,
        "dry_run": dry_run,
    }
    return render(request, "automation/rule_detail.html", context)


@require_POST
@requires("crm", "write")
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    """POST: enable or disable a rule."""
    rule = _rule_or_404(rule_id)
    try:
        rule = services.set_rule_active(rule.pk, not rule.is_active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Rule {rule.name} {'enabled' if rule.is_active else 'disabled'}."
        )
    target = request.POST.get("next", "")
    if target.startswith("/crm/automation/") and "//" not in target:  # never off the site
        return redirect(target)
    return redirect("automation-rule-list")


@require_POST
@requires("crm", "write")
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """POST: delete a rule and its run log."""
    rule = _rule_or_404(rule_id)
    services.delete_rule(rule.pk)
    messages.success(request, f"Rule {rule.name} deleted.")
    return redirect("automation-rule-list")


# --- e-mail templates ---------------------------------------------------------------------


class TemplateForm(forms.Form):
    """Create or edit an e-mail template; the service checks placeholders."""

    name = forms.CharField(max_length=200)
    target_type = forms.ChoiceField(label="Record type")
    subject = forms.CharField(max_length=300, help_text="Placeholders: {{ record.name }} …")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_field = self.fields["target_type"]
        assert isinstance(target_field, forms.ChoiceField)
        target_field.choices = [(t.key, t.label) for t in all_targets()]

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal next to the field it concerns."""
        self.add_error(error.field if error.field in self.fields else None, error.message)


@requires("crm", "read")
def template_list(request: HttpRequest) -> HttpResponse:
    """/crm/automation/templates/: the tenant's e-mail templates."""
    page = Paginator(queries.templates(), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_write": _can_write(request),
        "targets": {t.key: t.label for t in all_targets()},
    }
    return render(request, "automation/template_list.html", context)


def _template_page(request: HttpRequest, template: EmailTemplate | None) -> HttpResponse:
    initial = {}
    if template is not None:
        initial = {
            "name": template.name,
            "target_type": template.target_type,
            "subject": template.subject,
            "body": template.body,
        }
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                saved = services.create_template(form.cleaned_data)
            else:
                saved = services.update_template(template.pk, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Template {saved.name} saved.")
            return redirect("automation-template-list")
    title = "New e-mail template" if template is None else f"Edit {template.name}"
    context = {"form": form, "title": title, "template": template, "targets": all_targets()}
    return render(request, "automation/template_form.html", context)


@requires("crm", "write")
def template_create(request: HttpRequest) -> HttpResponse:
    """/crm/automation/templates/new/: add an e-mail template."""
    return _template_page(request, None)


@requires("crm", "write")
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """/crm/automation/templates/<id>/edit/: change an e-mail template."""
    return _template_page(request, _template_or_404(template_id))


@require_POST
@requires("crm", "write")
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    """POST: delete a template no rule sends."""
    template = _template_or_404(template_id)
    try:
        services.delete_template(template.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Template {template.name} deleted.")
    return redirect("automation-template-list")
