"""Demo data of orders: a few dozen orders across channels and states (filled in later)."""

from __future__ import annotations

import random


def seed_orders(rng: random.Random) -> str:
    """Seed nothing yet."""
    return "no orders"
