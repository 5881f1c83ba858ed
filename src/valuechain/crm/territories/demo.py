"""Sample territories for the demo company: DACH, France and the UK with teams of demo users."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from valuechain.crm.territories import assignment, services
from valuechain.platform.tenancy import services as tenancy
from valuechain.platform.tenancy.context import require_tenant_id
from valuechain.platform.tenancy.models import Tenant

# (e-mail, first name, last name, tenant role)
DEMO_TEAM = (
    ("dach.manager@demo.local", "Dana", "Brandt", "sales_manager"),
    ("dach.rep1@demo.local", "Lukas", "Weber", "sales_rep"),
    ("dach.rep2@demo.local", "Mia", "Huber", "sales_rep"),
    ("west.manager@demo.local", "Claire", "Martin", "sales_manager"),
    ("france.rep@demo.local", "Hugo", "Bernard", "sales_rep"),
    ("uk.rep@demo.local", "Oliver", "Smith", "sales_rep"),
)
# (name, countries, members, managers, account method)
DEMO_TERRITORIES = (
    ("DACH", ["DE", "AT", "CH"], ["dach.rep1", "dach.rep2"], ["dach.manager"], "round_robin"),
    ("France", ["FR"], ["france.rep"], ["west.manager"], "least_loaded"),
    ("UK", ["GB"], ["uk.rep"], ["west.manager"], "round_robin"),
)


def _demo_user(email: str, first_name: str, last_name: str, role: str) -> int:
    """The demo user (created without a password: sign in as them after setting one)."""
    user = get_user_model().objects.filter(username=email).first()
    if user is None:
        user = tenancy.create_user(email, None, first_name=first_name, last_name=last_name)
    tenancy.add_member(Tenant.objects.get(pk=require_tenant_id()), user, role)
    return int(user.pk)


def seed_territories(rng: random.Random) -> str:
    """Three territories with teams and rules; link and assign the demo accounts."""
    users = {email.split("@")[0]: _demo_user(email, *rest) for email, *rest in DEMO_TEAM}
    for name, countries, members, managers, method in DEMO_TERRITORIES:
        territory = services.create_territory(
            name=name,
            description=f"Accounts and leads in {', '.join(countries)}.",
            countries=countries,
        )
        for key in members:
            services.add_member(territory.pk, user_id=users[key], role="member")
        for key in managers:
            services.add_member(territory.pk, user_id=users[key], role="manager")
        services.create_rule(territory.pk, applies_to="account", method=method)
        services.create_rule(territory.pk, applies_to="lead", method="round_robin")
    links = assignment.rebuild_links()
    assigned = assignment.assign_unowned_accounts()
    return (
        f"{len(DEMO_TERRITORIES)} territories, {len(users)} team members, "
        f"{links['total']} records linked, {assigned} accounts assigned"
    )
