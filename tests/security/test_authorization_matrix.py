"""Who may do what, URL by URL: every pattern of the project, every role, own team's objects and another team's.

The table EXPECTED holds, for each URL name and method, the status each role gets on its own team's objects.
`test_every_url_pattern_is_in_the_table` walks the URL resolver (the API's ninja patterns included), so a new
URL without a line in the table fails the suite: whoever adds a screen decides here who may use it.

Roles, in the order of the table's columns:
- anonymous: nobody logged in (web) or no token (API);
- other_team: the owner of another team, on this team's objects;
- observer, participant, analyst, facilitator, owner: members of the team with that role.

Web requests log in with a session; API requests send a bearer token holding every scope (scopes are checked on
their own below). Every request uses a fresh client, so a workshop joined by code in one request does not open
the next. The anonymity sweep extends tests/web/test_workshop_anonymity.py (workshop screens) to every page of
the exercise, the API and the report files.
"""

import dataclasses
import io
import itertools
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser as User
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from policies.api import api
from policies.casefile.scenariowizard import write_matrix_csv
from policies.casefile.validation import parse_case_file
from policies.models import (
    ApiToken,
    Case,
    Comment,
    DeletedItem,
    DriverState,
    Exercise,
    Report,
    Role,
    ScoreJudgment,
    TokenScope,
    WeightJudgment,
)
from policies.models.exercises import Anonymity, Phase, WeightingMethod
from policies.models.reports import ReportKind, ReportStatus
from policies.selectors.case_export import export_case
from policies.selectors.visibility import visibility_for
from policies.services.api_tokens import create_token
from policies.services.case_import import import_case
from policies.services.case_update import preview_update
from policies.services.cross_impact import export_matrix
from policies.services.invitations import create_link, invite_by_email, token_for
from policies.services.participants import join_as_guest
from policies.services.report_files import build_file
from policies.services.scenarios import impossible_pairs, same_combination
from policies.services.workshop import issue_join_code, update_settings
from tests.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"
ROLES = ("anonymous", "other_team", "observer", "participant", "analyst", "facilitator", "owner")
MEMBER_ROLES = ROLES[2:]
LOGIN = "login"  # a 302 to the login page

# Patterns left out of the table, with why: by the start of their route, or by their name.
SKIPPED_ROUTES = {
    "admin/": "Django's admin: staff only, guarded by Django itself (sign-in through allauth, tests/accounts)",
    "i18n/": "Django's set_language view: sets a cookie, no object, no permission",
    "accounts/": "django-allauth's own views (sign-in, sign-up, email, password, two-factor, providers): "
    "one's own account only, tested in tests/accounts and test_login_throttling.py",
}
SKIPPED: dict[str, str] = {}

# Status by role, in the order of ROLES:
#           anonymous, other_team, observer, participant, analyst, facilitator, owner
ANYONE_200 = (200, 200, 200, 200, 200, 200, 200)
USER_200 = (LOGIN, 200, 200, 200, 200, 200, 200)
MEMBER_200 = (LOGIN, 404, 200, 200, 200, 200, 200)
EDITOR_200 = (LOGIN, 404, 403, 403, 200, 200, 200)
EDITOR_302 = (LOGIN, 404, 403, 403, 302, 302, 302)
JUDGE_200 = (LOGIN, 404, 403, 200, 200, 200, 200)
JUDGE_302 = (LOGIN, 404, 403, 302, 302, 302, 302)
FACILITATOR_200 = (LOGIN, 404, 403, 403, 403, 200, 200)
FACILITATOR_302 = (LOGIN, 404, 403, 403, 403, 302, 302)
OWNER_200 = (LOGIN, 404, 403, 403, 403, 403, 200)
OWNER_302 = (LOGIN, 404, 403, 403, 403, 403, 302)
MEMBER_302 = (LOGIN, 404, 302, 302, 302, 302, 302)
USER_302 = (LOGIN, 302, 302, 302, 302, 302, 302)
POST_ONLY = (LOGIN, 405, 405, 405, 405, 405, 405)  # login_required runs before require_POST
# Workshop screens: guests who joined by code come in without an account, so no login redirect: a 404.
WORKSHOP_200 = (404, 404, 200, 200, 200, 200, 200)
WORKSHOP_JUDGE_200 = (404, 404, 403, 200, 200, 200, 200)
# The API: 401 without a token.
API_PUBLIC = ANYONE_200
API_USER_200 = (401, 200, 200, 200, 200, 200, 200)
API_MEMBER_200 = (401, 404, 200, 200, 200, 200, 200)
API_EDITOR_200 = (401, 404, 403, 403, 200, 200, 200)
API_EDITOR_201 = (401, 404, 403, 403, 201, 201, 201)
API_JUDGE_200 = (401, 404, 403, 200, 200, 200, 200)
API_JUDGE_202 = (401, 404, 403, 202, 202, 202, 202)

EXPECTED: dict[str, dict[str, tuple[Any, ...]]] = {
    # Teams and cases
    "home": {"GET": USER_200, "POST": USER_200},
    "team": {"GET": MEMBER_200, "POST": MEMBER_200},
    # A team's people: everyone may create a team (TEAM_CREATION=anyone); its owners manage it.
    "team-new": {"GET": USER_200, "POST": USER_302},
    "team-settings": {"GET": OWNER_200, "POST": OWNER_302},
    "team-delete": {"GET": OWNER_200, "POST": (LOGIN, 404, 403, 403, 403, 403, 422)},  # a wrong confirmation
    "team-members": {"GET": MEMBER_200, "POST": MEMBER_200},
    "member-role": {"GET": POST_ONLY, "POST": OWNER_302},
    "member-remove": {"GET": POST_ONLY, "POST": OWNER_302},
    "ownership-transfer": {"GET": POST_ONLY, "POST": OWNER_302},
    "team-leave": {
        "GET": POST_ONLY,
        "POST": MEMBER_302,
    },  # the last owner is refused, back to the members page
    "team-invitations": {"GET": OWNER_200, "POST": OWNER_302},
    "invitation-link-new": {"GET": POST_ONLY, "POST": OWNER_302},
    "invitation-resend": {"GET": POST_ONLY, "POST": OWNER_302},
    "invitation-revoke": {"GET": POST_ONLY, "POST": OWNER_302},
    "team-history": {"GET": OWNER_200, "POST": OWNER_200},
    "team-deleted": {"GET": EDITOR_200, "POST": EDITOR_200},
    # The world's case and exercise are not deleted: nothing to restore once the role is allowed.
    "case-restore": {"GET": POST_ONLY, "POST": (LOGIN, 404, 403, 403, 404, 404, 404)},
    "exercise-restore": {"GET": POST_ONLY, "POST": (LOGIN, 404, 403, 403, 403, 404, 404)},
    # Posted with a stale version once the role is allowed: nothing deleted.
    "case-delete": {"GET": EDITOR_200, "POST": (LOGIN, 404, 403, 403, 409, 409, 409)},
    "exercise-delete": {"GET": FACILITATOR_200, "POST": (LOGIN, 404, 403, 403, 403, 409, 409)},
    # A class link: whoever holds it may open it; a member is told they already are one (409); a stranger's
    # POST joins (302), an anonymous POST only shows the page (sign up or in first).
    "invitation": {"GET": (200, 200, 409, 409, 409, 409, 409), "POST": (200, 302, 409, 409, 409, 409, 409)},
    # One's own account. Deleting it asks for the password again first (allauth's reauthentication).
    "account": {"GET": USER_200, "POST": USER_200},
    "account-data": {"GET": USER_200, "POST": USER_200},
    "account-delete": {"GET": USER_302, "POST": USER_302},
    "case": {"GET": MEMBER_200, "POST": MEMBER_200},
    "case-export": {"GET": EDITOR_200, "POST": EDITOR_200},
    # The small case file holds an exercise: an analyst imports the case only without it (403 otherwise).
    "case-import": {"GET": EDITOR_200, "POST": (LOGIN, 404, 403, 403, 403, 302, 302)},
    "case-clone": {"GET": POST_ONLY, "POST": EDITOR_302},
    # Confirming an update previewed by case-import (here a file that matches the case: nothing changes).
    "case-update-confirm": {"GET": POST_ONLY, "POST": EDITOR_302},
    # The case-file format's description and schema: public documentation.
    "case-format": {"GET": ANYONE_200, "POST": (405,) * 7},
    "case-format-schema": {"GET": ANYONE_200, "POST": (405,) * 7},
    "exercise-new": {"GET": FACILITATOR_200, "POST": FACILITATOR_302},
    "case-edit": {"GET": EDITOR_200, "POST": EDITOR_200},
    "case-item-new": {"GET": EDITOR_200, "POST": EDITOR_302},
    "case-item-edit": {"GET": EDITOR_200, "POST": EDITOR_302},
    "case-item-history": {"GET": EDITOR_200, "POST": EDITOR_200},
    "case-new": {"GET": EDITOR_200, "POST": EDITOR_302},
    "case-header": {"GET": EDITOR_200, "POST": EDITOR_302},
    "case-header-history": {"GET": EDITOR_200, "POST": EDITOR_200},
    "reference-paste": {"GET": EDITOR_200, "POST": EDITOR_200},
    "reference-paste-template": {"GET": EDITOR_200, "POST": EDITOR_200},
    "case-header-revert": {"GET": POST_ONLY, "POST": EDITOR_302},
    "case-paste": {"GET": EDITOR_200, "POST": EDITOR_200},  # a preview
    "case-paste-template": {"GET": EDITOR_200, "POST": EDITOR_200},
    # Posted with a version older than the stored one: refused (409) once the role is allowed, nothing deleted.
    "case-item-delete": {"GET": EDITOR_200, "POST": (LOGIN, 404, 403, 403, 409, 409, 409)},
    # The deleted item's identifier is taken again: restoring is refused with a message, back to the editor.
    "case-item-restore": {"GET": POST_ONLY, "POST": EDITOR_302},
    "case-item-duplicate": {"GET": POST_ONLY, "POST": EDITOR_302},
    "case-item-move": {"GET": POST_ONLY, "POST": EDITOR_302},
    "case-items-reorder": {"GET": POST_ONLY, "POST": EDITOR_200},
    "case-item-revert": {"GET": POST_ONLY, "POST": EDITOR_302},
    "case-actors": {"GET": MEMBER_200, "POST": MEMBER_200},
    "case-futures": {"GET": MEMBER_200, "POST": MEMBER_200},
    "case-options": {"GET": MEMBER_200, "POST": MEMBER_200},
    "case-criteria": {"GET": MEMBER_200, "POST": MEMBER_200},
    "case-sources": {"GET": MEMBER_200, "POST": MEMBER_200},
    "scenario-builder": {"GET": MEMBER_200, "POST": MEMBER_200},
    "consistency-save": {"GET": POST_ONLY, "POST": EDITOR_200},
    "scenario-promote": {"GET": POST_ONLY, "POST": EDITOR_302},
    "cross-impacts": {"GET": MEMBER_200, "POST": MEMBER_200},
    "cross-impact-save": {"GET": POST_ONLY, "POST": EDITOR_200},
    "cross-impact-cell": {"GET": MEMBER_200, "POST": EDITOR_302},
    "cross-impact-export": {"GET": MEMBER_200, "POST": MEMBER_200},
    "cross-impact-import": {"GET": POST_ONLY, "POST": EDITOR_302},
    "cib-promote": {"GET": POST_ONLY, "POST": EDITOR_302},
    # An open exercise
    "exercise": {"GET": MEMBER_200, "POST": MEMBER_200},
    "weight-save": {"GET": POST_ONLY, "POST": JUDGE_200},
    "score-save": {"GET": POST_ONLY, "POST": JUDGE_200},
    "score-paste": {"GET": JUDGE_200, "POST": JUDGE_200},  # a preview
    "score-paste-template": {"GET": MEMBER_200, "POST": MEMBER_200},
    "results": {"GET": MEMBER_200, "POST": POST_ONLY},
    "method-set": {"GET": POST_ONLY, "POST": FACILITATOR_302},
    # Reports
    "reports": {"GET": MEMBER_200, "POST": JUDGE_302},
    "report-request": {"GET": MEMBER_200, "POST": JUDGE_302},
    "report-status": {"GET": MEMBER_200, "POST": MEMBER_200},
    "report-cancel": {"GET": POST_ONLY, "POST": JUDGE_302},
    "report-retry": {"GET": POST_ONLY, "POST": JUDGE_302},
    "report-download": {"GET": MEMBER_200, "POST": MEMBER_200},
    # A facilitated workshop. Joining by code is open to anyone holding the code, by design.
    "workshop-join": {"GET": ANYONE_200, "POST": (302, 302, 302, 302, 302, 302, 302)},
    "workshop-join-code": {"GET": ANYONE_200, "POST": (302, 302, 302, 302, 302, 302, 302)},
    "workshop-play": {"GET": WORKSHOP_200, "POST": WORKSHOP_200},
    "workshop-state": {"GET": WORKSHOP_200, "POST": WORKSHOP_200},
    "workshop-weights": {"GET": (405,) * 7, "POST": WORKSHOP_JUDGE_200},
    "workshop-score": {"GET": (405,) * 7, "POST": WORKSHOP_JUDGE_200},
    "workshop-comments": {"GET": WORKSHOP_200, "POST": WORKSHOP_JUDGE_200},
    "workshop-comment-moderate": {"GET": (405,) * 7, "POST": (404, 404, 403, 403, 403, 200, 200)},
    "workshop-facilitate": {"GET": FACILITATOR_200, "POST": FACILITATOR_200},
    "workshop-live": {"GET": FACILITATOR_200, "POST": FACILITATOR_200},
    "workshop-phase": {"GET": POST_ONLY, "POST": FACILITATOR_302},
    "workshop-round": {"GET": POST_ONLY, "POST": FACILITATOR_302},
    "workshop-settings": {"GET": POST_ONLY, "POST": FACILITATOR_302},
    "workshop-code": {"GET": POST_ONLY, "POST": FACILITATOR_302},
    "workshop-trail": {"GET": FACILITATOR_200, "POST": FACILITATOR_200},
    "workshop-projector": {"GET": FACILITATOR_200, "POST": FACILITATOR_200},
    "workshop-cell": {"GET": FACILITATOR_200, "POST": FACILITATOR_200},
    "workshop-projector-live": {"GET": FACILITATOR_200, "POST": FACILITATOR_200},
    "workshop-impacts": {"GET": WORKSHOP_200, "POST": WORKSHOP_200},
    "workshop-impact-rate": {"GET": (405,) * 7, "POST": WORKSHOP_JUDGE_200},
    "workshop-impact-group": {"GET": FACILITATOR_200, "POST": FACILITATOR_302},
    # One's own API tokens: the token in the URL is the owner's, so everybody else gets 404.
    "api-tokens": {"GET": USER_200, "POST": (LOGIN, 201, 201, 201, 201, 201, 201)},
    "api-token-revoke": {"GET": POST_ONLY, "POST": (LOGIN, 404, 404, 404, 404, 404, 302)},
    # The API
    "api:api-root": {"GET": API_PUBLIC},
    "api:openapi-json": {"GET": API_PUBLIC},
    "api:openapi-view": {"GET": API_PUBLIC},
    "api:docs-asset": {"GET": API_PUBLIC},
    "api:not-found": {"GET": (404,) * 7},
    "api:me": {"GET": API_USER_200},
    "api:token-list": {"GET": API_USER_200},
    "api:case-list": {"GET": API_USER_200},
    "api:case-detail": {"GET": API_MEMBER_200},
    "api:case-export": {"GET": API_EDITOR_200},
    "api:case-import": {"POST": (401, 404, 403, 403, 403, 201, 201)},
    # Confirming an update previewed by api:case-import (a file that matches the case, without exercises).
    "api:case-update": {"POST": API_EDITOR_200},
    "api:case-options": {"GET": API_MEMBER_200},
    "api:case-criteria": {"GET": API_MEMBER_200},
    "api:case-scenarios": {"GET": API_MEMBER_200},
    "api:case-items": {"GET": API_MEMBER_200},
    "api:case-item": {"GET": API_MEMBER_200},
    "api:case-item-create": {"POST": API_EDITOR_201},
    "api:case-item-update": {"PATCH": API_EDITOR_200},
    # Without ?version= once the role is allowed: nothing deleted.
    "api:case-item-delete": {"DELETE": (401, 404, 403, 403, 422, 422, 422)},
    "api:case-items-reorder": {"PUT": API_EDITOR_200},
    # Whole cases and exercises: without ?version= once the role is allowed, nothing deleted; restoring a case
    # or exercise that is not deleted finds nothing to restore, whoever asks.
    "api:case-item-history": {"GET": API_EDITOR_200},
    "api:case-item-revert": {"POST": API_EDITOR_200},
    "api:case-header-history": {"GET": API_EDITOR_200},
    "api:case-header-revert": {"POST": API_EDITOR_200},
    "api:case-delete": {"DELETE": (401, 404, 403, 403, 422, 422, 422)},
    "api:case-restore": {"POST": (401, 404, 404, 404, 404, 404, 404)},
    "api:exercise-delete": {"DELETE": (401, 404, 403, 403, 403, 422, 422)},
    "api:exercise-restore": {"POST": (401, 404, 404, 404, 404, 404, 404)},
    "api:case-create": {"POST": API_EDITOR_201},
    "api:case-header-update": {"PATCH": API_EDITOR_200},
    "api:exercise-list": {"GET": API_USER_200},
    "api:exercise-detail": {"GET": API_MEMBER_200},
    "api:judgments-mine": {"GET": API_MEMBER_200},
    "api:judgments-group": {"GET": API_MEMBER_200},
    "api:judgments-save": {"PUT": API_JUDGE_200},
    "api:results": {"GET": API_MEMBER_200},
    "api:report-request": {"POST": API_JUDGE_202},
    "api:report-detail": {"GET": API_MEMBER_200},
    "api:report-download": {"GET": API_MEMBER_200},
}


def _skip_reason(name: str, route: str) -> str | None:
    by_route = (why for prefix, why in SKIPPED_ROUTES.items() if route.startswith(prefix))
    return next(by_route, SKIPPED.get(name))


def url_patterns() -> dict[str, str]:
    """Every URL pattern of the project by its namespaced name (or its route, when it has none)."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, route, inner)
            elif isinstance(entry, URLPattern):
                found[f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>"] = route

    walk(get_resolver(), "", "")
    return found


def api_operations() -> dict[str, tuple[list[str], list[Any]]]:
    """The API's operations by URL name: their methods and their authentication callbacks."""
    return {
        operation.url_name: (operation.methods, operation.auth_callbacks)
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }


def test_every_url_pattern_is_in_the_table() -> None:
    names = {name for name, route in url_patterns().items() if _skip_reason(name, route) is None}
    missing = sorted(names - set(EXPECTED))
    stale = sorted(set(EXPECTED) - names)
    assert not missing, f"URL patterns without a line in EXPECTED (decide who may use them): {missing}"
    assert not stale, f"Lines of EXPECTED for URL patterns that no longer exist: {stale}"
    for name, (methods, _auth) in api_operations().items():
        assert set(EXPECTED[f"api:{name}"]) == set(methods), (name, methods)
    for name, rows in EXPECTED.items():
        assert all(len(row) == len(ROLES) for row in rows.values()), name


def test_the_table_really_checks_something() -> None:
    """Guards against a table that only expects success: each screen that is not public refuses someone."""
    public = {"api:api-root", "api:openapi-json", "api:openapi-view", "api:docs-asset", "api:not-found"}
    public |= {"workshop-join", "workshop-join-code", "invitation"}
    for name, rows in EXPECTED.items():
        if name in public:
            continue
        statuses = {status for row in rows.values() for status in row}
        assert statuses & {LOGIN, 401, 403, 404, 405}, name


# -- the world the requests run in ---------------------------------------------------------------------------


@dataclass
class World:
    """One team's case, exercises and reports, with a member of each role, and a stranger from another team."""

    case: Case
    exercise: Exercise  # open: members weigh and score at any time
    workshop: Exercise  # facilitated, in its scoring phase, with a join code
    reports: dict[str, Report]
    users: dict[str, User]
    secrets: dict[str, str]
    owner_token: ApiToken
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def team(self):  # type: ignore[no-untyped-def]
        return self.case.team


def build_world(stranger: User | None = None) -> World:
    team = TeamFactory()
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)
    exercise = case.exercises.get()
    workshop = Exercise.objects.create(
        team=team,
        case=case,
        key="workshop",
        title={"en": "Workshop"},
        facilitated=True,
        phase=Phase.SCORING,
        weighting_method=WeightingMethod.DIRECT,
        max_rounds=10,
    )
    workshop.options.set(case.options.all())
    workshop.criteria.set(case.criteria.filter(is_group=False))
    workshop = issue_join_code(exercise=workshop)
    users: dict[str, User] = {}
    for role in MEMBER_ROLES:
        users[role] = MembershipFactory(team=team, role=role).user
    users["other_team"] = stranger or MembershipFactory(role=Role.OWNER).user
    secrets = {
        role: create_token(user=user, name="matrix", scopes=list(TokenScope.values))[1]
        for role, user in users.items()
    }
    reports = {
        "pending": Report.objects.create(exercise=exercise, kind=ReportKind.CSV),
        "failed": Report.objects.create(exercise=exercise, kind=ReportKind.CSV, status=ReportStatus.FAILED),
        "done": Report.objects.create(exercise=exercise, kind=ReportKind.CSV, status=ReportStatus.DONE),
    }
    reports["done"].file.save("matrix.csv", ContentFile(b"option,criterion,value\n"))
    owner_token = ApiToken.objects.filter(user=users["owner"]).get()
    invitation, _sent = invite_by_email(
        team=team,
        actor=users["owner"],
        email=f"invited-{team.slug}@example.org",
        role=Role.ANALYST,
        site_url="/",
    )
    link = create_link(
        team=team,
        actor=users["owner"],
        role=Role.PARTICIPANT,
        expires=timezone.now() + timedelta(days=3),
        max_uses=50,
    )
    commenter = join_as_guest(exercise=workshop, display_name="Commenter")
    comment = Comment.objects.create(
        exercise=workshop, author=commenter, option=workshop.options.first(), body="A remark"
    )
    option = case.options.order_by("pk").first()
    option.save()  # a first version in its history
    copy = json.loads(serializers.serialize("json", [option]))
    copy[0]["pk"] = option.pk + 1_000_000  # another row with the same identifier: restoring it is refused
    deleted = DeletedItem.objects.create(case=case, kind="option", label="Deleted option", rows=copy)
    extra = {
        "comment_id": comment.pk,
        "history_id": option.history.order_by("-history_id").first().history_id,
        "deleted_id": deleted.pk,
        "ref": option.key,
        "membership_id": users["participant"].memberships.get(team=team).pk,
        "invitation_id": invitation.pk,
        "token": token_for(link),
    }
    return World(case, exercise, workshop, reports, users, secrets, owner_token, extra)


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker) -> Iterator[tuple[World, World]]:
    """Two teams' worlds, built once for the module; each test's own transaction rolls its writes back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(), build_world()
        transaction.set_rollback(True)


def url_kwargs(name: str, world: World) -> dict[str, Any]:
    """The URL's arguments, naming objects of `world`."""
    workshop = name.startswith("workshop-")
    exercise = world.workshop if workshop else world.exercise
    option = exercise.options.order_by("position", "pk").first()
    criterion = exercise.criteria.order_by("position", "pk").first()
    report = {"report-cancel": "pending", "report-retry": "failed", "report-status": "pending"}.get(
        name, "done"
    )
    values = {
        "slug": world.team.slug,
        "case_id": world.case.pk,
        "exercise_id": exercise.pk,
        "report_id": world.reports[report].pk,
        "option_id": option.pk,
        "criterion_id": criterion.pk,
        "kind": "option",
        "target": "option",
        "item_id": world.case.options.first().pk,
        "code": world.workshop.join_code,
        "token_id": world.owner_token.pk,
        "name": "swagger-ui.css",
        "rest": "nothing/here",
        "source_id": _states(world.case)[0].pk,
        "target_id": _states(world.case)[1].pk,
        "file_format": "csv",
        **world.extra,
    }
    route = url_patterns()[name]
    return {key: value for key, value in values.items() if takes_argument(route, key)}


def takes_argument(route: str, argument: str) -> bool:
    """Whether a route has this argument, as <name>, <converter:name> or a regex group."""
    return any(form in route for form in (f"<{argument}>", f":{argument}>", f"(?P<{argument}>"))


def _states(case: Case) -> list[DriverState]:
    """One state of each driver: a combination to rate or promote."""
    return [driver.states.order_by("pk").first() for driver in case.drivers.order_by("pk")]


def _unpromoted(case: Case) -> list[DriverState]:
    """A combination of one state of each driver that is not a scenario yet (a combination is promoted once);
    the scenarios promoted by earlier requests of this table are taken away first, so every role can try."""
    case.scenarios.filter(key__startswith="promoted-").delete()
    drivers = [list(driver.states.order_by("pk")) for driver in case.drivers.order_by("pk")]
    for combination in itertools.product(*drivers):
        if same_combination(case, combination) is None and not impossible_pairs(case, combination):
            return list(combination)
    raise AssertionError("every combination of the case is already a scenario")


def _workshop_settings(world: World) -> dict[str, Any]:
    workshop = Exercise.objects.get(pk=world.workshop.pk)
    return {
        "version": workshop.version,
        "weighting_method": WeightingMethod.DIRECT,
        "anonymity": Anonymity.NAMED,
        "max_rounds": 10,
        "consensus_threshold": 1.0,
    }


def _update_confirmation(world: World) -> dict[str, str]:
    """The confirmation of an update by the case's own export (without exercises), as its preview posts it."""
    document = json.dumps(export_case(world.case))
    preview = preview_update(parse_case_file(document), world.case)
    return {"document": document, "fingerprint": preview.fingerprint, "with_exercises": "0"}


def _impacts_phase(world: World) -> bool:
    """Open the workshop's cross-impacts phase, so that a permitted rating is taken (rolled back with the test)."""
    return bool(Exercise.objects.filter(pk=world.workshop.pk).update(phase=Phase.IMPACTS))


def _api_update_confirmation(world: World) -> str:
    """The query of an API update's confirmation: the fingerprint of the case's own export, without exercises."""
    preview = preview_update(parse_case_file(json.dumps(export_case(world.case))), world.case)
    return f"?fingerprint={preview.fingerprint}&exercises=false"


# The query string some writes need, so that a permitted role succeeds.
QUERIES: dict[str, Callable[[World], str]] = {"api:case-update": _api_update_confirmation}


# A valid body for each write, so that a permitted role succeeds and the status shows the permission alone.
BODIES: dict[str, Callable[[World], Any]] = {
    "case-import": lambda w: {"file": SimpleUploadedFile("case.json", SMALL.read_bytes()), "as_new": "on"},
    "case-update-confirm": _update_confirmation,
    "exercise-new": lambda w: {
        "title": "New exercise",
        "options": list(w.case.options.values_list("pk", flat=True)),
        "criteria": list(w.case.criteria.filter(is_group=False).values_list("pk", flat=True)),
        "method": w.exercise.method,
        "mode": "open",
    },
    "case-item-new": lambda w: {"name_en": "A new option"},
    "case-item-edit": lambda w: {"name_en": "A renamed option", "version": w.case.options.first().version},
    "case-new": lambda w: {"title_en": "A new case"},
    "case-header": lambda w: {"title_en": "A new title", "version": Case.objects.get(pk=w.case.pk).version},
    "case-paste": lambda w: {"table": "name_en\nPasted option\n", "action": "preview"},
    "case-item-delete": lambda w: {"version": "0"},
    "case-delete": lambda w: {"version": "0"},
    "reference-paste": lambda w: {
        "table": "option,{}\n{},5\n".format(
            w.case.criteria.filter(is_group=False).order_by("pk").first().key,
            w.case.options.order_by("pk").first().key,
        ),
        "action": "preview",
    },
    "exercise-delete": lambda w: {"version": "0"},
    "score-paste": lambda w: {
        "table": "option,{}\n{},5\n".format(
            w.exercise.criteria.order_by("pk").first().key, w.exercise.options.order_by("pk").first().key
        ),
        "action": "preview",
    },
    "case-item-move": lambda w: {"direction": "down"},
    "case-items-reorder": lambda w: {"order": list(w.case.options.values_list("pk", flat=True))},
    "weight-save": lambda w: {"value": "50"},
    "score-save": lambda w: {"value": "5"},
    "method-set": lambda w: {"method": w.exercise.method},
    "reports": lambda w: {"kind": ReportKind.CSV},
    "report-request": lambda w: {"kind": ReportKind.CSV},
    "consistency-save": lambda w: {
        "state_a": _states(w.case)[0].pk,
        "state_b": _states(w.case)[1].pk,
        "value": "1",
    },
    "scenario-promote": lambda w: {
        "state": [s.pk for s in _unpromoted(w.case)],
        "name": f"Promoted {Report.objects.count()}",
        "plausibility": "3",
    },
    "cross-impact-save": lambda w: {
        "source": _states(w.case)[0].pk,
        "target": _states(w.case)[1].pk,
        "value": "2",
    },
    "cross-impact-cell": lambda w: {"value": "1", "reason_en": "Because."},
    "cross-impact-import": lambda w: {
        "file": SimpleUploadedFile("matrix.csv", write_matrix_csv(export_matrix(w.case)))
    },
    "workshop-impact-rate": lambda w: (
        _impacts_phase(w) and {"source": _states(w.case)[0].pk, "target": _states(w.case)[1].pk, "value": "1"}
    ),
    "workshop-impact-group": lambda w: {"version": Exercise.objects.get(pk=w.workshop.pk).version},
    "cib-promote": lambda w: {
        "state": [s.pk for s in _states(w.case)],
        "name": f"From the matrix {Report.objects.count()}",
        "plausibility": "3",
    },
    "workshop-join": lambda w: {"code": w.workshop.join_code, "name": "A guest", "join": "1"},
    "workshop-join-code": lambda w: {"code": w.workshop.join_code, "name": "A guest", "join": "1"},
    "workshop-weights": lambda w: {
        f"w-{c.pk}": str(100 // w.workshop.criteria.count() + (100 % w.workshop.criteria.count()) * (i == 0))
        for i, c in enumerate(w.workshop.criteria.order_by("position", "pk"))
    },
    "workshop-score": lambda w: {"value": "5", "rationale": "Because.", "confidence": "3"},
    "workshop-comments": lambda w: {"subject": f"o-{w.workshop.options.first().pk}", "body": "A comment"},
    "workshop-comment-moderate": lambda w: {"action": "pin"},
    "workshop-phase": lambda w: {
        "phase": Phase.SCORING,
        "version": Exercise.objects.get(pk=w.workshop.pk).version,
    },
    "workshop-round": lambda w: {"version": Exercise.objects.get(pk=w.workshop.pk).version},
    "workshop-settings": _workshop_settings,
    "api-tokens": lambda w: {"name": "script", "scopes": [TokenScope.READ]},
    "team-new": lambda w: {"name": "A new team"},
    "team-settings": lambda w: {"name": w.team.name},
    "team-delete": lambda w: {"confirmation": "not the name"},
    "member-role": lambda w: {"role": Role.ANALYST},
    "ownership-transfer": lambda w: {"then_role": Role.FACILITATOR},
    "team-invitations": lambda w: {
        "invite-email": "someone-new@example.org",
        "invite-role": Role.PARTICIPANT,
    },
    "invitation-link-new": lambda w: {
        "link-role": Role.PARTICIPANT,
        "link-max_uses": "20",
        "link-expires": (timezone.localdate() + timedelta(days=5)).isoformat(),
    },
    "api:case-import": lambda w: SMALL.read_bytes(),
    "api:case-update": lambda w: json.dumps(export_case(w.case)).encode(),
    "api:case-item-create": lambda w: {"name": {"en": "An option from a script"}},
    "api:case-create": lambda w: {"title": {"en": "A case from a script"}},
    "api:case-header-update": lambda w: {
        "title": {"en": "Renamed by a script"},
        "version": Case.objects.get(pk=w.case.pk).version,
    },
    "api:case-item-update": lambda w: {
        "name": {"en": "Renamed by a script"},
        "version": w.case.options.get(key=w.extra["ref"]).version,
    },
    "api:case-item-revert": lambda w: _first_version(w.case.options.get(key=w.extra["ref"])),
    "api:case-header-revert": lambda w: _first_version(Case.objects.get(pk=w.case.pk)),
    "api:case-items-reorder": lambda w: {"order": list(w.case.options.values_list("key", flat=True))},
    "api:judgments-save": lambda w: {
        "weights": [{"criterion": w.exercise.criteria.order_by("pk").first().key, "value": 50}]
    },
    "api:report-request": lambda w: {"kind": ReportKind.CSV},
}


def _first_version(item: Any) -> dict[str, int]:
    """A revert to the item's first version, from the version it is at now."""
    return {"history_id": item.history.order_by("history_id").first().history_id, "version": item.version}


def request(name: str, method: str, role: str, world: World, *, target: World | None = None) -> HttpResponse:
    """`role` of `world` calls URL `name` with `method`, naming the objects of `target` (default: its own)."""
    target = target or world
    client = Client()
    url = reverse(name, kwargs=url_kwargs(name, target)) + QUERIES.get(name, lambda w: "")(target)
    headers: dict[str, str] = {}
    user = world.users.get(role)
    is_api = name.startswith("api:")
    if user is not None:
        if is_api:
            headers["Authorization"] = f"Bearer {world.secrets[role]}"
        else:
            client.force_login(user)
    body = BODIES.get(name, lambda w: {})(target)
    if method == "GET":
        return client.get(url, headers=headers)
    if is_api:
        data = body if isinstance(body, bytes) else json.dumps(body)
        return client.generic(method, url, data, content_type="application/json", headers=headers)
    return (
        client.generic(method, url, headers=headers)
        if method != "POST"
        else client.post(url, body, headers=headers)
    )


def outcome(response: HttpResponse) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    if response.status_code == 286:  # htmx's "stop polling": a 200 with a finished report
        return 200
    return response.status_code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(name: str, worlds: tuple[World, World]) -> None:
    world, _foreign = worlds
    got: dict[str, dict[str, Any]] = {}
    for method in EXPECTED[name]:
        got[method] = {role: outcome(request(name, method, role, world)) for role in ROLES}
    wanted = {method: dict(zip(ROLES, row, strict=True)) for method, row in EXPECTED[name].items()}
    assert got == wanted


OBJECT_ARGUMENTS = {
    "slug",
    "case_id",
    "exercise_id",
    "report_id",
    "option_id",
    "criterion_id",
    "item_id",
    "source_id",
    "target_id",
    "token_id",
    "membership_id",
    "invitation_id",
}


def _names_with_objects() -> list[str]:
    patterns = url_patterns()
    return sorted(
        name for name in EXPECTED if any(takes_argument(patterns[name], arg) for arg in OBJECT_ARGUMENTS)
    )


@pytest.mark.parametrize("name", _names_with_objects())
def test_another_teams_objects_are_not_found_whatever_the_role(
    name: str, worlds: tuple[World, World]
) -> None:
    """Every member role, pointed at the same URL naming another team's objects, gets 404 (405 if refused first)."""
    world, foreign = worlds
    for method, row in EXPECTED[name].items():
        for role, own in zip(ROLES, row, strict=True):
            if role in ("anonymous", "other_team"):
                continue
            expected = 405 if own == 405 else 404
            assert outcome(request(name, method, role, world, target=foreign)) == expected, (method, role)


@pytest.mark.parametrize("name", sorted(api_operations()))
def test_api_tokens_need_the_scope_of_the_endpoint(name: str, worlds: tuple[World, World]) -> None:
    """A token without the endpoint's scope gets 403; a browser session reads but never writes (401)."""
    world = dataclasses.replace(worlds[0], secrets=dict(worlds[0].secrets))
    methods, callbacks = api_operations()[name]
    scope = next(callback.scope for callback in callbacks if hasattr(callback, "scope"))
    owner = world.users["owner"]
    _token, narrow = create_token(
        user=owner, name="narrow", scopes=[s for s in TokenScope.values if s != scope]
    )
    world.secrets["owner"] = narrow
    for method in methods:
        response = request(f"api:{name}", method, "owner", world)
        assert response.status_code == 403, (method, response.content)
        assert scope in response.json()["error"]["message"]
    client = Client()
    client.force_login(owner)
    for method in methods:
        url = reverse(f"api:{name}", kwargs=url_kwargs(f"api:{name}", world))
        body = BODIES.get(f"api:{name}", lambda w: {})(world)
        data = body if isinstance(body, bytes) else json.dumps(body)
        response = client.generic(method, url, data, content_type="application/json")
        assert response.status_code == (200 if method == "GET" else 401), (method, response.content)


# -- anonymity ------------------------------------------------------------------------------------------------


def _text_of(content: bytes) -> str:
    """A response or report file as searchable text; a workbook is a zip of XML parts."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return "\n".join(workbook.read(part).decode("utf-8", "replace") for part in workbook.namelist())
    return content.decode("utf-8", "replace")


def _body(response: HttpResponse) -> str:
    return _text_of(b"".join(response.streaming_content) if response.streaming else response.content)


def _exercise_bound(name: str) -> bool:
    route = url_patterns()[name]
    return any(arg in route for arg in ("exercise_id", "report_id")) or name in {
        "case-export",
        "api:case-export",
    }


def test_an_anonymous_exercise_names_nobody_in_any_page_api_answer_or_export(
    worlds: tuple[World, World],
) -> None:
    """Both exercises anonymous, judged on the web, by the API and by a guest: no name, username or email of a
    participant appears in any page of the exercise, any API answer about it or any report file built from it,
    whoever reads it (owner, facilitator or a fellow participant). The PDF has its own test in tests/reports."""
    world, _foreign = worlds
    for exercise in (world.exercise, world.workshop):
        exercise.refresh_from_db()
        update_settings(
            exercise=exercise, expected_version=exercise.version, settings={"anonymity": Anonymity.ANONYMOUS}
        )
    people: dict[str, list[str]] = {}
    for k in range(2):
        user = UserFactory(
            username=f"hidden-user-{k}", first_name=f"Hiddenfirst{k}", last_name=f"Hiddenlast{k}"
        )
        MembershipFactory(team=world.team, user=user, role=Role.PARTICIPANT)
        world.users[f"person{k}"] = user
        world.secrets[f"person{k}"] = create_token(
            user=user, name="anonymity", scopes=list(TokenScope.values)
        )[1]
        people[f"person{k}"] = [user.username, user.first_name, user.last_name, user.email]
    guest = Client()
    joined = guest.post(
        reverse("workshop-join"), {"code": world.workshop.join_code, "name": "Guestname Hidden", "join": "1"}
    )
    assert joined.status_code == 302
    everyone = [identity for identities in people.values() for identity in identities] + ["Guestname Hidden"]

    # Judgments through every channel: web inputs of both screens, the API, comments, a report request.
    for role in people:
        for name in ("score-save", "weight-save", "workshop-score", "workshop-weights", "workshop-comments"):
            assert request(name, "POST", role, world).status_code == 200, name
        assert request("api:judgments-save", "PUT", role, world).status_code == 200
        assert request("reports", "POST", role, world).status_code == 302
    assert (
        guest.post(
            reverse("workshop-score", args=url_kwargs("workshop-score", world).values()), {"value": "4"}
        ).status_code
        == 200
    )

    seen: list[tuple[str, str, str]] = []
    for reader in ("owner", "facilitator", "person0"):
        for name, rows in EXPECTED.items():
            if "GET" not in rows or not _exercise_bound(name):
                continue
            response = request(name, "GET", reader, world)
            if response.status_code in (200, 286):
                seen.append((reader, name, _body(response)))
    for exercise in (world.exercise, world.workshop):
        for kind in (ReportKind.CSV, ReportKind.XLSX, ReportKind.JSON):
            report = Report.objects.create(exercise=exercise, kind=kind)
            seen.append(
                (
                    "report file",
                    f"{exercise.key}.{kind}",
                    _text_of(build_file(report, visibility_for(exercise, facilitator=True), lambda *a: None)),
                )
            )

    assert len(seen) > 40  # the sweep really read pages, API answers and files
    assert any("Participant 1" in text for _reader, _name, text in seen)  # pseudonyms stand in for people
    leaks = [
        (reader, name, identity)
        for reader, name, text in seen
        for identity in everyone
        if identity not in people.get(reader, []) and identity in text
    ]
    assert not leaks, sorted({(name, identity) for _r, name, identity in leaks})


def _row_counts() -> dict[str, int]:
    # Not Participant: opening the workshop screen registers a judging member, by design and on GET alike.
    models = (Case, Exercise, Report, ApiToken, Comment, ScoreJudgment, WeightJudgment)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_no_page_writes_on_put_or_delete(method: str, worlds: tuple[World, World]) -> None:
    """The web screens take GET and POST only: PUT or DELETE is refused (405) or read as a GET, never a write."""
    world, _foreign = worlds
    before = _row_counts()
    for name, rows in EXPECTED.items():
        if name.startswith("api:"):
            continue  # ninja answers 405 for a method an operation does not declare; see tests/api
        got = outcome(request(name, method, "owner", world))
        own_get = dict(zip(ROLES, rows["GET"], strict=True))["owner"]
        assert got in (405, own_get), (name, got)
    assert _row_counts() == before
