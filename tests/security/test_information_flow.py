"""What each viewer receives, on every surface that carries judgments or group results.

For every role (owner, facilitator, analyst, participant, observer, a guest who joined by code, a member removed
from the team), and for states of the exercise that meet every combination of the phase (briefing to closed),
the round (1 or 2) and blind scoring (on or off), with the anonymity mode (named, pseudonymous, anonymous) meeting
each of them (`covering_states`; the whole product of the four with WORKBENCH_FULL_SWEEP=1), each surface below
is read and searched for what the viewer may not receive:

- other participants' judgments of a round the viewer may not see yet: each judgment carries a marker (its
  rationale, and a value no other judgment has), and the group's numbers of that round include those values;
- who the other participants are where the viewer may not see identities: their names, and the account ids
  behind them (``user-12``), exports included.

The expectations are written out here from the rules in the user guide (`expected`), not taken from the policy
in policies/selectors/visibility.py, so the two cannot drift together. `test_every_surface_has_a_row` walks the
URL resolver, the API and the report kinds: a new page, partial, API operation or export without a row here
fails the suite, as a new URL without a row fails the authorization matrix.
"""

import io
import itertools
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from policies.models import (
    Comment,
    Exercise,
    Membership,
    Participant,
    Report,
    Role,
    ScoreJudgment,
    TokenScope,
    WeightJudgment,
)
from policies.models.exercises import Anonymity, Phase
from policies.models.reports import ReportKind, ReportStatus
from policies.reporting.brief import brief_html, plan_brief
from policies.reporting.pdf import plan_report, report_html
from policies.selectors.analysis_results import analysis_results
from policies.selectors.visibility import visibility_for
from policies.services.api_tokens import create_token
from policies.services.participants import join_as_guest
from policies.services.reports import build_report
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, ScenarioFactory, make_exercise
from tests.security.test_authorization_matrix import SKIPPED_ROUTES, api_operations, url_patterns

pytestmark = pytest.mark.django_db

ROLES = ("owner", "facilitator", "analyst", "participant", "observer", "guest", "removed")
FACILITATORS = {"owner", "facilitator"}
REVEALED = {Phase.REVEAL, Phase.DISCUSSION, Phase.CLOSED}


def covering_states() -> list[tuple[bool, str, str, int]]:
    """28 states instead of the 84 of the full product: every combination of what decides which judgments a
    viewer may see (blind, phase, round), each once, with the anonymity mode turning so that it meets every
    phase, every round and blind scoring on and off. A leak that needs one anonymity mode together with one
    particular phase, round and blind setting at once is left to the full product (WORKBENCH_FULL_SWEEP=1)."""
    phases, modes = list(Phase.values), list(Anonymity.values)
    return [
        (blind, modes[(phases.index(phase) + 2 * int(blind) + round_ - 1) % len(modes)], phase, round_)
        for blind, phase, round_ in itertools.product([True, False], phases, [1, 2])
    ]


FULL_PRODUCT = list(itertools.product([True, False], list(Anonymity.values), list(Phase.values), [1, 2]))
STATES = FULL_PRODUCT if os.environ.get("WORKBENCH_FULL_SWEEP") == "1" else covering_states()
# Distinct values per (participant, round): no other number of the exercise prints the same way.
VALUES = {
    ("kappa", 1): 1.137,
    ("lambda", 1): 2.263,
    ("mu", 1): 3.389,
    ("member", 1): 4.415,
    ("removed", 1): 0.571,
    ("kappa", 2): 6.521,
    ("lambda", 2): 7.647,
    ("mu", 2): 8.773,
    ("member", 2): 5.909,
    ("removed", 2): 9.187,
}
EVERYONE = ("kappa", "lambda", "mu", "member", "removed")
OWN = {"participant": "member", "guest": "kappa"}  # the viewer's own participant row, where it has one


def expected(role: str, exercise: Exercise) -> tuple[int, bool]:
    """(the last round whose others' judgments the role may see, whether it may see who they are): the user
    guide's table."""
    facilitator = role in FACILITATORS
    revealed = facilitator or not exercise.blind or exercise.phase in REVEALED
    last = exercise.current_round if revealed else exercise.current_round - 1
    identities = exercise.anonymity == Anonymity.NAMED or (
        exercise.anonymity == Anonymity.PSEUDONYMOUS and facilitator
    )
    return last, identities


# -- the world -----------------------------------------------------------------------------------------------


@dataclass
class World:
    exercise: Exercise
    clients: dict[str, Client]
    secrets: dict[str, str]
    people: dict[str, Participant]  # the participants behind the markers
    users: dict[str, Any] = field(default_factory=dict)

    def markers(self, who: str, round_: int) -> list[str]:
        """What gives away one participant's judgments of one round."""
        value = VALUES[(who, round_)]
        return [f"RATIONALE-{who.upper()}-R{round_}", f"{value:.3f}", f"{value:.3f}".replace(".", ",")]

    def identity(self, who: str) -> list[str]:
        person = self.people[who]
        found = [person.alias]
        if person.user_id is not None:
            found.append(f"user-{person.user_id}")
        return found


def _judge(person: Participant, who: str, exercise: Exercise, scenario: Any) -> None:
    """Scores on every cell and weights, rounds 1 and 2; the first cell carries the marker value."""
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    for round_ in (1, 2):
        value = VALUES[(who, round_)]
        for i, option in enumerate(options):
            for j, criterion in enumerate(criteria):
                first = i == 0 and j == 0
                ScoreJudgment.objects.create(
                    participant=person,
                    option=option,
                    criterion=criterion,
                    round=round_,
                    value=value if first else 5.0 + (i - j) * 0.5,
                    rationale={"en": f"RATIONALE-{who.upper()}-R{round_}"} if first else {},
                )
        ScoreJudgment.objects.create(
            participant=person,
            option=options[0],
            criterion=criteria[1],
            scenario=scenario,
            round=round_,
            value=value,
        )
        for j, criterion in enumerate(criteria):
            WeightJudgment.objects.create(
                participant=person, criterion=criterion, round=round_, value=40 + 20 * j
            )


def build_world() -> World:
    exercise = make_exercise(options=2, criteria=2)
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, max_rounds=5)
    exercise = issue_join_code(exercise=exercise)
    team = exercise.team
    clients: dict[str, Client] = {}
    secrets: dict[str, str] = {}
    users: dict[str, Any] = {}
    for role in ("owner", "facilitator", "analyst", "participant", "observer", "removed"):
        membership = MembershipFactory(team=team, role=Role.PARTICIPANT if role == "removed" else role)
        users[role] = membership.user
        client = Client()
        client.force_login(membership.user)
        clients[role] = client
        secrets[role] = create_token(user=membership.user, name="flow", scopes=list(TokenScope.values))[1]
    people: dict[str, Participant] = {}
    for who in ("kappa", "lambda", "mu"):
        people[who] = join_as_guest(exercise=exercise, display_name=f"Alias-{who.capitalize()}-Zed")
    people["member"] = Participant.objects.create(
        exercise=exercise,
        user=users["participant"],
        key=f"user-{users['participant'].pk}",
        alias="Alias-Member-Zed",
        number=4,
    )
    people["removed"] = Participant.objects.create(
        exercise=exercise,
        user=users["removed"],
        key=f"user-{users['removed'].pk}",
        alias="Alias-Removed-Zed",
        number=5,
    )
    for who, person in people.items():
        _judge(person, who, exercise, scenario)
    # A thread whose authors every export names: by alias only for readers who may see who is who.
    opening = Comment.objects.create(
        exercise=exercise, author=people["mu"], option=exercise.options.first(), body="A comment."
    )
    Comment.objects.create(
        exercise=exercise, author=people["member"], option=opening.option, parent=opening, body="A reply."
    )
    Membership.objects.filter(user=users["removed"], team=team).delete()
    # The guest is one of the participants (kappa), in their own browser session.
    guest = Client()
    session = guest.session
    session["workshop_participants"] = {str(exercise.pk): people["kappa"].pk}
    session.save()
    clients["guest"] = guest
    return World(exercise, clients, secrets, people, users)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# -- reading each surface --------------------------------------------------------------------------------------


def _text(content: bytes) -> str:
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "\n".join(book.read(part).decode("utf-8", "replace") for part in book.namelist())
    return content.decode("utf-8", "replace")


def _read(response: HttpResponse) -> tuple[int, str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, _text(body)


def _api(
    world: World, role: str, method: str, name: str, body: Any = None, query: str = "", **kwargs: Any
) -> tuple[int, str]:
    if role not in world.secrets:
        return 401, ""
    url = reverse(name, kwargs=kwargs) + query
    headers = {"Authorization": f"Bearer {world.secrets[role]}"}
    if method == "GET":
        return _read(Client().get(url, headers=headers))
    return _read(
        Client().generic(
            method, url, json.dumps(body or {}), content_type="application/json", headers=headers
        )
    )


def _page(name: str, **extra: Any) -> Callable[[World, str], tuple[int, str]]:
    def read(world: World, role: str) -> tuple[int, str]:
        exercise = world.exercise
        url = reverse(name, kwargs={"exercise_id": exercise.pk})
        headers = extra.get("headers", {})
        return _read(world.clients[role].get(url, extra.get("query", {}), headers=headers))

    return read


def _own_report(kind: str) -> Callable[[World, str], tuple[int, str]]:
    """The viewer asks for a report on the web; the worker builds it for them; they download it."""

    def read(world: World, role: str) -> tuple[int, str]:
        client = world.clients[role]
        before = set(Report.objects.values_list("pk", flat=True))
        status, text = _read(client.post(reverse("reports", args=[world.exercise.pk]), {"kind": kind}))
        created = Report.objects.exclude(pk__in=before).first()
        if created is None:
            return status, text
        build_report(created.pk)
        created.refresh_from_db()
        assert created.status in {ReportStatus.DONE, ReportStatus.FAILED}, created.error
        return _read(client.get(reverse("report-download", args=[created.pk])))

    return read


def _facilitators_report(world: World, role: str) -> tuple[int, str]:
    """A report the facilitator built, downloaded by the viewer: only readers whose view covers it get it."""
    report = Report.objects.create(
        exercise=world.exercise, kind=ReportKind.JSON, requested_by=world.users["facilitator"]
    )
    build_report(report.pk)
    return _read(world.clients[role].get(reverse("report-download", args=[report.pk])))


def _report_document(world: World, role: str) -> tuple[int, str]:
    """The whole text of the PDF the viewer would get (its HTML before layout; the figures' data are in
    the results page's charts, read above), built for the viewer's view as the worker builds it."""
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    if role in {"guest", "removed"}:
        return 404, ""
    seen = visibility_for(exercise, facilitator=role in FACILITATORS)
    if seen.last_round < 1:
        return 403, ""
    return 200, report_html(plan_report(analysis_results(exercise, visibility=seen)))


def _first_cell(world: World, role: str) -> tuple[int, str]:
    """The facilitator's drill-down into the cell that carries every participant's marker."""
    exercise = world.exercise
    option = exercise.options.order_by("position", "pk").first()
    criterion = exercise.criteria.order_by("position", "pk").first()
    url = reverse("workshop-cell", args=[exercise.pk, option.pk, criterion.pk])
    return _read(world.clients[role].get(url))


def _brief_document(world: World, role: str) -> tuple[int, str]:
    """The whole text of the brief the viewer would get (its HTML before layout), built for their view."""
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    if role in {"guest", "removed"}:
        return 404, ""
    seen = visibility_for(exercise, facilitator=role in FACILITATORS)
    if seen.last_round < 1:
        return 403, ""
    return 200, brief_html(plan_brief(analysis_results(exercise, visibility=seen)))


SURFACES: dict[str, Callable[[World, str], tuple[int, str]]] = {
    "exercise": _page("exercise"),
    "results": _page("results"),
    "results: ranking partial": _page("results", headers={"HX-Request": "true"}),
    "results: analysis partial": _page(
        "results", headers={"HX-Request": "true", "HX-Target": "analysis"}, query={"round": "2"}
    ),
    "workshop-play": _page("workshop-play"),
    "workshop-state": _page("workshop-state", query={"v": "stale"}),
    "workshop-comments": _page("workshop-comments"),
    "workshop-facilitate": _page("workshop-facilitate"),
    "workshop-live": _page("workshop-live"),
    "workshop-trail": _page("workshop-trail"),
    "workshop-projector": _page("workshop-projector"),
    "workshop-cell": _first_cell,
    "workshop-projector-live": _page("workshop-projector-live", query={"v": "stale"}),
    "workshop-impacts": _page("workshop-impacts"),
    "workshop-impact-group": _page("workshop-impact-group"),
    "reports": _page("reports"),
    "case-export": lambda w, role: _read(
        w.clients[role].get(reverse("case-export", args=[w.exercise.case_id]))
    ),
    "report: pdf": _report_document,
    "report: brief": _brief_document,
    "report: xlsx": _own_report(ReportKind.XLSX),
    "report: csv": _own_report(ReportKind.CSV),
    "report: json": _own_report(ReportKind.JSON),
    "report-download of another's report": _facilitators_report,
    "api:results": lambda w, role: _api(w, role, "GET", "api:results", exercise_id=w.exercise.pk),
    "api:results round 2": lambda w, role: _api(
        w, role, "GET", "api:results", query="?round=2", exercise_id=w.exercise.pk
    ),
    "api:exercise-detail": lambda w, role: _api(
        w, role, "GET", "api:exercise-detail", exercise_id=w.exercise.pk
    ),
    "api:judgments-mine": lambda w, role: _api(
        w, role, "GET", "api:judgments-mine", exercise_id=w.exercise.pk
    ),
    "api:judgments-group": lambda w, role: _api(
        w, role, "GET", "api:judgments-group", exercise_id=w.exercise.pk
    ),
    "api:case-export": lambda w, role: _api(w, role, "GET", "api:case-export", case_id=w.exercise.case_id),
}

# URL names that carry no judgment, group result or participant identity, with why. Every other URL name of the
# project, every API operation and every report kind must be read above.
NO_JUDGMENTS = {
    "home": "the list of one's teams",
    "team": "a team's cases and exercises, by title",
    "case": "the case's dossier",
    "case-actors": "the case's dossier",
    "case-futures": "the case's dossier",
    "case-options": "the case's dossier",
    "case-criteria": "the case's dossier",
    "case-sources": "the case's dossier",
    "case-edit": "the case's items",
    "case-item-new": "the case's items",
    "case-item-edit": "the case's items",
    "case-item-history": "edits of the case's items, by their editors (members)",
    "case-new": "creates an empty case",
    "case-header": "the case's title, question and summary",
    "reference-paste": "a pasted table of the case's reference values and its preview: case content",
    "reference-paste-template": "the case's options, criteria and reference values: case content",
    "case-header-history": "edits of the case's title, question and summary, by their editors (members)",
    "case-header-revert": "gives the case's header an earlier version of its own fields",
    "case-paste": "a pasted table of options or criteria and its preview",
    "case-paste-template": "a fixed CSV template",
    "case-item-delete": "how many rows of each kind a deletion takes along: counts, no value, no name",
    "case-item-restore": "puts a deleted item back; answers restored or not",
    "case-item-duplicate": "copies an item of the case",
    "case-item-move": "reorders the case's items",
    "case-items-reorder": "reorders the case's items",
    "case-item-revert": "gives an item an earlier version of its own fields",
    "score-paste": "one's own pasted scores and their preview; answers saved or not",
    "score-paste-template": "the keys of the options and criteria in play",
    "case-import": "writes a case; refusals are tested in tests/security/test_write_authority.py",
    "case-clone": "copies a case without exercises",
    "case-update-confirm": "writes a case previewed by case-import; the preview counts judgments, names none",
    "case-format": "the case-file format's documentation",
    "case-format-schema": "the case-file format's JSON Schema",
    "scenario-builder": "driver states and their consistency, case content",
    "consistency-save": "case content",
    "scenario-promote": "case content",
    "cross-impacts": "the case's cross-impact matrix and its scenarios, case content",
    "cross-impact-save": "case content",
    "cross-impact-cell": "case content: a cell's reason and evidence",
    "cross-impact-export": "case content: the matrix as a file",
    "cross-impact-import": "writes case content",
    "cib-promote": "case content",
    "exercise-new": "sets up an exercise",
    "weight-save": "one's own weight; answers saved or not",
    "score-save": "one's own score; answers saved or not",
    "method-set": "a facilitator's setting",
    "report-request": "the same view as 'reports', read above with each kind",
    "report-status": "a job's progress bar; its download link is checked at download",
    "report-cancel": "a job's state",
    "report-retry": "a job's state",
    "report-download": "read above: one's own reports and another's",
    "workshop-join": "the join form: the exercise's title",
    "workshop-join-code": "the join form: the exercise's title",
    "workshop-weights": "one's own weights; answers saved or not",
    "workshop-score": "one's own score; answers saved or not",
    "workshop-impact-rate": "one's own cross-impact rating; answers saved or not",
    "workshop-phase": "a facilitator's control",
    "workshop-round": "a facilitator's control",
    "workshop-settings": "a facilitator's control",
    "workshop-code": "a facilitator's control",
    "workshop-comment-moderate": "a facilitator's control; answers with the threads as 'workshop-comments' shows "
    "them to a facilitator (hidden comments are tested in tests/web/test_comment_moderation.py)",
    "api-tokens": "one's own tokens",
    "api-token-revoke": "one's own tokens",
    "account": "one's own account",
    "account-data": "one's own judgments, comments and rationales: their own data, whatever the exercise shows",
    "account-delete": "deletes one's own account",
    "team-new": "creates a team",
    "team-settings": "a team's name and rules",
    "team-delete": "a team's name and what deleting it removes, counted",
    "team-members": "members' names and roles: team administration, no judgment",
    "team-history": "membership changes and sign-ins, for owners: no judgment",
    "team-deleted": "titles of recently deleted cases and exercises, for editors: no judgment",
    "case-restore": "brings a deleted case back; answers restored or not",
    "exercise-restore": "brings a deleted exercise back; answers restored or not",
    "case-delete": "how many rows of each kind the deletion hides: counts, no value, no name",
    "exercise-delete": "how many participants, judgments and reports the deletion hides: counts, no name",
    "team-invitations": "pending invitations",
    "team-leave": "leaves a team",
    "member-role": "changes a role",
    "member-remove": "removes a member",
    "ownership-transfer": "changes a role",
    "invitation": "an invitation's team and role",
    "invitation-link-new": "creates an invitation",
    "invitation-resend": "an invitation",
    "invitation-revoke": "an invitation",
    "api:api-root": "the API's index",
    "api:openapi-json": "the API's description",
    "api:openapi-view": "the API's description",
    "api:docs-asset": "the API's description",
    "api:not-found": "an error",
    "api:me": "the caller's own account",
    "api:token-list": "the caller's own tokens",
    "api:case-list": "cases, by title",
    "api:case-detail": "a case's header",
    "api:case-import": "writes a case, or previews its update (counts judgments, names none)",
    "api:case-update": "writes a case previewed by api:case-import; answers its id and title",
    "api:case-options": "the case's options",
    "api:case-criteria": "the case's criteria",
    "api:case-scenarios": "the case's scenarios",
    "api:case-items": "the case's items",
    "api:case-item": "one item of the case",
    "api:case-item-create": "writes an item of the case and answers with it",
    "api:case-item-update": "writes an item of the case and answers with it",
    "api:case-item-delete": "deletes an item; answers how many rows of each kind went: counts, no value, no name",
    "api:case-items-reorder": "reorders the case's items and answers with them",
    "api:case-create": "creates an empty case and answers with its header",
    "api:case-item-history": "an item's edit history, for editors: who changed its texts, no judgment",
    "api:case-item-revert": "writes an item of the case and answers with it",
    "api:case-header-history": "the case header's edit history, for editors: who changed it, no judgment",
    "api:case-header-revert": "writes the case's header and answers with it",
    "api:case-delete": "deletes a case; answers its title and how many rows of each kind went: counts, no name",
    "api:case-restore": "brings a deleted case back; answers its title",
    "api:exercise-delete": "deletes an exercise; answers its title and counts: no value, no name",
    "api:exercise-restore": "brings a deleted exercise back; answers its title",
    "api:case-header-update": "writes the case's header and answers with it",
    "api:exercise-list": "exercises, by title",
    "api:judgments-save": "writes one's own judgments and answers with them",
    "api:report-request": "builds a report for the caller, as on the web (read above)",
    "api:report-detail": "a job's state",
    "api:report-download": "the same files as the web's download, through the same check",
}
READ_NAMES = {
    "exercise",
    "results",
    "workshop-play",
    "workshop-state",
    "workshop-comments",
    "workshop-facilitate",
}
READ_NAMES |= {
    "workshop-live",
    "workshop-trail",
    "workshop-projector",
    "workshop-projector-live",
    "workshop-cell",
    "reports",
    "case-export",
    "api:results",
    "api:exercise-detail",
}
READ_NAMES |= {"api:judgments-mine", "api:judgments-group", "api:case-export"}
READ_NAMES |= {"workshop-impacts", "workshop-impact-group"}


def test_every_surface_has_a_row() -> None:
    names = {name for name, route in url_patterns().items() if not route.startswith(tuple(SKIPPED_ROUTES))}
    names |= {f"api:{name}" for name in api_operations()}
    unclassified = sorted(names - READ_NAMES - set(NO_JUDGMENTS))
    assert not unclassified, f"Surfaces without a row in the information-flow test: {unclassified}"
    assert not (READ_NAMES & set(NO_JUDGMENTS))
    assert all(any(surface.startswith(name) for surface in SURFACES) for name in READ_NAMES)
    assert {f"report: {kind}" for kind in ReportKind.values} <= set(SURFACES), "a report kind is not read"
    stale = sorted(set(NO_JUDGMENTS) - names)
    assert not stale, f"Rows for surfaces that no longer exist: {stale}"


@pytest.mark.parametrize(
    ("blind", "anonymity", "phase", "round_"),
    STATES,
    ids=[f"{'blind' if b else 'open'}-{a}-{p}-r{r}" for b, a, p, r in STATES],
)
def test_each_viewer_receives_only_what_it_may(
    world: World, blind: bool, anonymity: str, phase: str, round_: int
) -> None:
    Exercise.objects.filter(pk=world.exercise.pk).update(
        blind=blind, anonymity=anonymity, phase=phase, current_round=round_
    )
    if round_ == 1:  # the second round has not happened (rolled back with the test)
        for model in (ScoreJudgment, WeightJudgment):
            model.objects.filter(round=2).delete()
            model.history.filter(round=2).delete()
    exercise = Exercise.objects.get(pk=world.exercise.pk)
    world.exercise = exercise
    leaks: list[tuple[str, str, str]] = []
    reads = 0
    for role in ROLES:
        last, identities = expected(role, exercise)
        no_access = role == "removed"
        forbidden: dict[str, str] = {}
        for who in EVERYONE:
            if OWN.get(role) == who:
                continue  # one's own judgments are always one's own to see
            for r in (1, 2):
                if no_access or r > last:
                    forbidden |= {marker: f"{who}'s round {r}" for marker in world.markers(who, r)}
            if no_access or not identities:
                forbidden |= {marker: f"who {who} is" for marker in world.identity(who)}
        for surface, read in SURFACES.items():
            status, text = read(world, role)
            if status in (200, 286):
                reads += 1
            for marker, what in forbidden.items():
                if marker in text:
                    leaks.append((role, surface, what))
    assert reads > 40  # the sweep really read pages, answers and files
    assert not leaks, sorted(set(leaks))


def test_the_states_meet_every_combination_they_promise() -> None:
    states = covering_states()
    assert len(set(states)) == len(states) == 2 * len(Phase.values) * 2
    levels = [[True, False], list(Anonymity.values), list(Phase.values), [1, 2]]
    # Every (blind, phase, round); every pair of the anonymity mode with any other factor.
    for chosen in [(0, 2, 3), (1, 0), (1, 2), (1, 3)]:
        met = {tuple(state[i] for i in chosen) for state in states}
        wanted = set(itertools.product(*(levels[i] for i in chosen)))
        assert met == wanted, f"factors {chosen} miss {sorted(wanted - met)}"
