"""Which models accept custom fields: contexts opt a model in from their AppConfig.ready()."""

from __future__ import annotations

import re
from dataclasses import dataclass

LABEL_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Target:
    """A model that carries custom values in a JSON column (``custom`` by convention)."""

    label: str  # "customers.account": app label and model name, lowercase
    verbose_name: str


_targets: dict[str, Target] = {}


def register_target(model_label: str, verbose_name: str) -> Target:
    """Let tenants define custom fields for ``model_label`` (e.g. "customers.account")."""
    label = model_label.strip().lower()
    if not LABEL_PATTERN.match(label):
        raise ValueError(f"{model_label!r} is not a model label like 'customers.account'.")
    target = Target(label=label, verbose_name=verbose_name)
    _targets[label] = target
    return target


def unregister_target(model_label: str) -> None:
    """Forget a target (tests register throw-away targets)."""
    _targets.pop(model_label, None)


def get_target(model_label: str) -> Target | None:
    """The registered target of that label, or None."""
    return _targets.get(model_label)


def targets() -> list[Target]:
    """Every registered target, by label."""
    return sorted(_targets.values(), key=lambda target: target.label)
