"""Forms of the quality pages; the services validate, the forms show their errors by field
(a check's error lands on its row of the checklist, a plan's check errors on the checks box)."""

from __future__ import annotations

from typing import Any

from django import forms

from valuechain.crm.customers.forms import ServiceForm
from valuechain.scm.catalog.models import Variant
from valuechain.scm.quality.domain import INSPECTION_STAGES, PLAN_STAGES
from valuechain.scm.quality.models import DefectReason, InspectionPlan, PlanCheck

CHECKS_HELP = (
    "One check per line. Pass/fail: just the name (Visual). Measurement: name; target; "
    "lower tolerance; upper tolerance; unit (Diameter; 10; 0.1; 0.2; mm). "
    "End a line with '; optional' for a check that may be left blank."
)
GROUPS = (("product", "Product"), ("supplier", "Supplier"), ("work_centre", "Work centre"))


def parse_checks(text: str, existing: list[PlanCheck] | None = None) -> list[dict[str, Any]]:
    """Lines of the checks box into service rows; a check keeps its id when its name stays."""
    by_name = {c.name.lower(): c.pk for c in existing or []}
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in line.split(";")]
        if not parts or not parts[0]:
            continue
        required = True
        if parts[-1].lower() == "optional":
            required = False
            parts = parts[:-1]
        name, *numbers = parts
        row: dict[str, Any] = {"name": name, "required": required, "kind": "pass_fail"}
        if numbers:
            if len(numbers) > 4:
                raise forms.ValidationError(f"Line {number}: {CHECKS_HELP}")
            numbers += [""] * (4 - len(numbers))
            target, lower, upper, unit = numbers
            row.update(
                kind="measurement",
                target=target,
                lower_tolerance=lower,
                upper_tolerance=upper,
                unit=unit,
            )
        if name.lower() in by_name:
            row["id"] = by_name[name.lower()]
        rows.append(row)
    return rows


def checks_text(plan: InspectionPlan) -> str:
    """A plan's checks as the lines of the checks box."""
    lines = []
    for check in plan.checks.all():
        parts = [check.name]
        if check.kind == "measurement":
            parts += [
                f"{check.target.normalize():f}" if check.target is not None else "",
                f"{check.lower_tolerance.normalize():f}",
                f"{check.upper_tolerance.normalize():f}",
                check.unit,
            ]
        if not check.required:
            parts.append("optional")
        lines.append("; ".join(parts))
    return "\n".join(lines)


class PlanForm(ServiceForm):
    """An inspection plan with its checks."""

    field_aliases = {"product_id": "sku", "variant_id": "sku"}

    name = forms.CharField(max_length=200)
    sku = forms.CharField(
        label="Item SKU", max_length=64, help_text="A SKU of the product the plan is for."
    )
    whole_product = forms.BooleanField(
        label="All variants of the product", required=False, initial=True
    )
    stage = forms.ChoiceField(choices=[(s, s) for s in PLAN_STAGES])
    sample_size = forms.CharField(
        label="Sample size", required=False, help_text="Units to inspect; empty: every unit."
    )
    note = forms.CharField(max_length=500, required=False)
    is_active = forms.BooleanField(label="Active", required=False, initial=True)
    checks = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), help_text=CHECKS_HELP)

    def __init__(self, *args: Any, plan: InspectionPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan is not None:  # the item of a plan does not change; make a new plan instead
            del self.fields["sku"]
            del self.fields["whole_product"]

    def add_domain_error(self, error: Any) -> None:
        """Errors of ``checks.2.target`` land on the checks box."""
        if (error.field or "").startswith("checks"):
            self.add_error("checks", error.message)
        else:
            super().add_domain_error(error)

    def clean_sku(self) -> Variant:
        """The variant of the SKU."""
        variant = Variant.objects.filter(sku=self.cleaned_data["sku"].strip()).first()
        if variant is None:
            raise forms.ValidationError("No item with that SKU.")
        return variant

    def clean_checks(self) -> list[dict[str, Any]]:
        """The checks box as service rows."""
        existing = list(self.plan.checks.all()) if self.plan else []
        return parse_checks(self.cleaned_data["checks"], existing)

    def service_arguments(self) -> dict[str, Any]:
        """The plan's values for ``create_plan`` / ``update_plan``."""
        data = dict(self.cleaned_data)
        variant = data.pop("sku", None)
        whole = data.pop("whole_product", False)
        if variant is not None:
            if whole:
                data["product_id"] = variant.product_id
            else:
                data["variant_id"] = variant.pk
        data["sample_size"] = data.get("sample_size") or None
        return data


class DefectReasonForm(ServiceForm):
    """A defect reason."""

    code = forms.CharField(max_length=40)
    name = forms.CharField(max_length=200)
    is_active = forms.BooleanField(label="Active", required=False, initial=True)


class ChecklistForm(ServiceForm):
    """The inspector's form: one row per check, then the accepted / rejected split."""

    field_aliases = {"defect_reason_id": "defect_reason"}

    accepted_quantity = forms.CharField(
        label="Accepted", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    rejected_quantity = forms.CharField(
        label="Rejected",
        initial="0",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    defect_reason = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Defect reason"
    )
    accept_with_deviation = forms.BooleanField(
        label="Accept with deviation (a check failed but the goods are accepted)", required=False
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, checks: list[PlanCheck], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = checks
        fields: dict[str, forms.Field] = {}
        for check in checks:
            name = f"check_{check.pk}"
            if check.kind == "measurement":
                assert check.target is not None
                low = check.target - check.lower_tolerance
                high = check.target + check.upper_tolerance
                fields[name] = forms.CharField(
                    label=f"{check.name} ({check.unit})" if check.unit else check.name,
                    required=False,
                    help_text=f"Target {check.target.normalize():f}, "
                    f"{low.normalize():f} to {high.normalize():f}",
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
            else:
                fields[name] = forms.ChoiceField(
                    label=check.name,
                    required=False,
                    choices=[("pass", "Pass"), ("fail", "Fail")],
                    widget=forms.RadioSelect,
                )
        # the checks come first on the page
        self.fields = {**fields, **self.fields}
        reasons = DefectReason.objects.filter(is_active=True).order_by("code")
        self.fields["defect_reason"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(r.pk, str(r)) for r in reasons],
        ]

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``complete_inspection``."""
        data = self.cleaned_data
        results: dict[int, dict[str, Any]] = {}
        for check in self.checks:
            raw = data.get(f"check_{check.pk}") or ""
            if check.kind == "measurement":
                results[check.pk] = {"value": raw}
            else:
                results[check.pk] = {"passed": {"pass": True, "fail": False}.get(raw)}
        return {
            "results": results,
            "accepted": data["accepted_quantity"],
            "rejected": data.get("rejected_quantity") or "0",
            "defect_reason_id": data.get("defect_reason"),
            "accept_with_deviation": data.get("accept_with_deviation", False),
            "note": data.get("note", ""),
        }


class DispositionForm(ServiceForm):
    """Release or scrap held rejected goods."""

    action = forms.ChoiceField(choices=[("release", "Release to stock"), ("scrap", "Scrap")])
    quantity = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(max_length=500, required=False)


class HoldForm(forms.Form):
    """Why an inspection is put on hold."""

    note = forms.CharField(max_length=500, required=False, label="Reason for the hold")


class RatesForm(forms.Form):
    """Grouping, stage and period of the defect-rate page."""

    by = forms.ChoiceField(choices=GROUPS, required=False, label="Per")
    stage = forms.ChoiceField(
        choices=[("", "All stages"), *[(s, s) for s in INSPECTION_STAGES]], required=False
    )
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
