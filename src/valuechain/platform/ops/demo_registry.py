"""Seeders that fill the new demo company with sample data; contexts register them in ready()."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

# A seeder fills the current tenant and returns a one-line summary ("60 accounts, 350 people").
DemoSeeder = Callable[[random.Random], str]

# The seed of every seeder's generator: the demo company looks the same on every machine.
DEMO_SEED = 2026


@dataclass(frozen=True)
class RegisteredSeeder:
    """A named seeder and its place in the run (lower order runs first)."""

    name: str
    seeder: DemoSeeder
    order: int


_SEEDERS: dict[str, RegisteredSeeder] = {}


def register_demo_seeder(name: str, fn: DemoSeeder, order: int = 100) -> None:
    """Run ``fn`` when the demo company is created; registering a name again replaces it."""
    _SEEDERS[name] = RegisteredSeeder(name, fn, order)


def demo_seeders() -> list[RegisteredSeeder]:
    """The registered seeders in the order they run."""
    return sorted(_SEEDERS.values(), key=lambda entry: (entry.order, entry.name))


def seeder_random(name: str) -> random.Random:
    """The deterministic generator handed to the named seeder."""
    return random.Random(f"{DEMO_SEED}:{name}")
