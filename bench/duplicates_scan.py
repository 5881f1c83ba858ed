"""Duplicate scan over 100,000 people: seconds per scan against reading the rows (the anchor).

Usage: .venv/bin/python bench/duplicates_scan.py [PEOPLE]   (a throwaway SQLite database)
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuechain.settings")
os.environ.setdefault("VALUECHAIN_TESTING", "1")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402

FIRST = [
    "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans", "Ida", "Jonas", "Karl",
    "Lena", "Max", "Nina", "Otto", "Paula", "Quentin", "Rosa", "Sven", "Tina", "Uwe", "Vera",
]  # fmt: skip
SYLLABLES = [
    "ber", "mann", "schu", "lz", "wag", "ner", "hof", "fer", "kel", "rich", "ter", "neu",
    "stein", "berg", "bach", "dorf", "feld", "hau", "sen", "mey", "lin", "gar", "ro", "ta",
]  # fmt: skip


def _last_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()


def _typo(name: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(name))
    return name[:at] + rng.choice("aeiour") + name[at + 1 :]


def main(count: int) -> None:
    """Seed ``count`` people (1 in 50 a typo of the one before), then time read and scan."""
    call_command("migrate", verbosity=0)
    from valuechain.crm.customers import duplicates
    from valuechain.crm.customers.models import EmailAddress, Person
    from valuechain.platform.tenancy import services as tenancy
    from valuechain.platform.tenancy.context import tenant_context

    tenant = tenancy.create_tenant("Bench", "bench")
    rng = random.Random(7)
    with tenant_context(tenant):
        people: list[Person] = []
        for index in range(count):
            if index % 50 == 49:  # a near-duplicate of the previous person
                first, last = people[-1].first_name, _typo(people[-1].last_name, rng)
            else:
                first, last = rng.choice(FIRST), _last_name(rng)
            people.append(Person(tenant_id=tenant.pk, first_name=first, last_name=last))
        Person.objects.bulk_create(people, batch_size=5000)
        ids = list(Person.objects.values_list("pk", flat=True))
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(tenant_id=tenant.pk, person_id=pk, email=f"p{i // 2}@example.com")
                for i, pk in enumerate(ids[: count // 10])
            ],
            batch_size=5000,
        )
        started = time.perf_counter()
        rows = list(Person.objects.values_list("pk", "first_name", "last_name"))
        read = time.perf_counter() - started
        started = time.perf_counter()
        result = duplicates.scan("person")
        scan = time.perf_counter() - started
    print(f"people: {len(rows)}  pairs found: {result.found}")
    print(f"anchor, reading the name columns: {read:.2f} s")
    print(f"scan (find + store):             {scan:.2f} s  ({scan / read:.0f}x the anchor)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
