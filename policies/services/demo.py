"""The demo team of `make run`: one facilitator, three participants and the seeded case."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from policies.casefile.validation import parse_case_file
from policies.models import Membership, Role, Team
from policies.services.case_import import import_case

DEMO_TEAM_SLUG = "demo"
DEMO_USERS = [
    ("owner", Role.OWNER),
    ("facilitator", Role.FACILITATOR),
    ("participant1", Role.PARTICIPANT),
    ("participant2", Role.PARTICIPANT),
    ("participant3", Role.PARTICIPANT),
]
# A reserved domain (RFC 2606): demo mail goes nowhere even with a real mail server configured.
DEMO_EMAIL_DOMAIN = "demo.example"
DEMO_CASE_FILES = sorted((Path(settings.BASE_DIR) / "seeds").glob("*.json"))


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str


@transaction.atomic
def set_up_demo(*, password: str | None = None) -> list[DemoAccount]:
    """Create or refresh the demo team; each run sets fresh passwords unless one is given."""
    team, _ = Team.objects.get_or_create(slug=DEMO_TEAM_SLUG, defaults={"name": "Demo team"})
    user_model = get_user_model()
    accounts = []
    for username, role in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=username)
        secret = password or secrets.token_urlsafe(9)
        user.set_password(secret)
        user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user.save()
        # Verified, so the demo accounts sign in without the confirmation mail a new account gets.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(team=team, user=user, defaults={"role": role})
        accounts.append(DemoAccount(username, role, secret))
    for path in DEMO_CASE_FILES:
        case_file = parse_case_file(path.read_bytes())
        import_case(case_file=case_file, team=None)  # a shared template any team may copy
        import_case(case_file=case_file, team=team)
    return accounts
