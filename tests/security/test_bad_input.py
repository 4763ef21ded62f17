"""Hostile input, generated: never a 500, always a clear refusal, and a refusal writes nothing.

Hypothesis feeds the forms, the htmx endpoints, the API's writes and the case-file import with what people and
scripts send by mistake or on purpose: NaN, infinities, 1e308, huge integers, wrong types, deep nesting, very long
strings and odd Unicode (NUL, lone surrogates, right-to-left marks, emoji, combining characters).

Each endpoint's contract is written next to its test: which statuses mean "saved" and which mean "refused". A
refusal must carry its message (`class="error"` on a page or partial, the API's error body) and leave the
database exactly as it was; an acceptance is fine when the value was in fact valid. The examples are bounded so
the file runs in about a minute.
"""

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.case_forms import FORMS
from policies.casefile.validation import MAX_CASE_FILE_BYTES, CaseFileError, parse_case_file
from policies.models import (
    Case,
    Comment,
    Criterion,
    DriverState,
    Exercise,
    Membership,
    Option,
    PairwiseJudgment,
    Participant,
    Report,
    Role,
    Scenario,
    ScoreJudgment,
    TokenScope,
    WeightJudgment,
)
from policies.models.exercises import Phase, WeightingMethod
from policies.services.api_tokens import create_token
from policies.services.case_files import import_case_file
from policies.services.case_import import import_case
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"
BOUNDED = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# -- what hostile input looks like -------------------------------------------------------------------------

NASTY_WORDS = [
    "",
    " ",
    "NaN",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e309",
    "1e-320",
    "9" * 400,
    "-" + "9" * 30,
    "18446744073709551617",
    "-0",
    "0x1F",
    "1_000",
    "²",  # a digit to str.isdigit, not to int()
    "٣",  # Arabic-Indic three
    "½",
    "Ⅻ",
    "5\x00",
    "\x00",
    "\u202eevil\u202c",
    "\u200f\u200e",
    "🙂" * 3,
    "e\u0301" * 50,
    "\ufeff1",
    "null",
    "[]",
    "{}",
    "true",
    "1/0",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
# Text without surrogates (a form post cannot carry them as text; raw invalid bytes are sent separately).
TEXT = st.text(st.characters(codec="utf-8"), max_size=60)
LONG = st.sampled_from(["x", "é", "🙂", "\u202e", "e\u0301"]).map(lambda s: s * 30_000)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
NASTY = st.one_of(st.sampled_from(NASTY_WORDS), TEXT, NUMBERS, LONG)
# Raw bytes that are not UTF-8 (a lone surrogate encoded, a stray continuation byte, an overlong form).
BAD_BYTES = st.sampled_from([b"\xed\xa0\x80", b"\xff\xfe", b"\xc0\xaf", b"\x80abc"])
FIELD_VALUE = st.one_of(NASTY, BAD_BYTES)


def json_values(max_leaves: int = 6) -> st.SearchStrategy[Any]:
    """JSON of any type, with the values JSON itself cannot say plainly (NaN, 1e400, lone surrogates)."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),  # lone surrogates included: json.dumps escapes them
        st.sampled_from(NASTY_WORDS),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def deeply_nested(depth: int = 50_000) -> str:
    return "[" * depth + "]" * depth


def form_body(data: dict[str, str | bytes | list[str | bytes]]) -> bytes:
    """A url-encoded body that may hold bytes which are not UTF-8 (the test client would refuse them)."""
    parts = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            encoded = quote_from_bytes(item) if isinstance(item, bytes) else quote(item)
            parts.append(f"{quote(key)}={encoded}")
    return "&".join(parts).encode("ascii")


def post_form(client: Client, url: str, data: dict[str, Any], **headers: str) -> HttpResponse:
    return client.post(
        url, form_body(data), content_type="application/x-www-form-urlencoded", headers=headers or None
    )


def body_text(response: HttpResponse) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def assert_refusal_shown(response: HttpResponse) -> None:
    """A refused form or htmx input comes back with its message in an element of class "error"."""
    assert 'class="error' in body_text(response), body_text(response)[:2000]


def assert_api_error(response: HttpResponse) -> None:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"], error


# -- the world under attack --------------------------------------------------------------------------------


@dataclass
class World:
    case: Case
    exercise: Exercise  # open
    workshop: Exercise  # facilitated, scoring, with a join code
    owner: Client
    participant: Client
    secret: str  # the participant's API token, every scope
    owner_secret: str

    @property
    def team(self):  # type: ignore[no-untyped-def]
        return self.case.team


@pytest.fixture
def world(db: None) -> World:
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
        max_rounds=10,
    )
    workshop.options.set(case.options.all())
    workshop.criteria.set(case.criteria.filter(is_group=False))
    workshop.scenarios.set(case.scenarios.all())
    workshop = issue_join_code(exercise=workshop)
    owner, participant = Client(), Client()
    owner_member = MembershipFactory(team=team, role=Role.OWNER)
    member = MembershipFactory(team=team, role=Role.PARTICIPANT)
    owner.force_login(owner_member.user)
    participant.force_login(member.user)
    _token, secret = create_token(user=member.user, name="fuzz", scopes=list(TokenScope.values))
    _token, owner_secret = create_token(user=owner_member.user, name="fuzz", scopes=list(TokenScope.values))
    return World(case, exercise, workshop, owner, participant, secret, owner_secret)


def snapshot(*querysets: Any) -> list[list[dict[str, Any]]]:
    """Every row of the given querysets, all columns, in a stable order: compared before and after a refusal."""
    return [list(qs.order_by("pk").values()) for qs in querysets]


@pytest.fixture
def rollback() -> Callable[[], Iterator[None]]:
    """Each example in a savepoint rolled back afterwards, so examples do not see each other's writes."""
    from contextlib import contextmanager

    @contextmanager
    def _rollback() -> Iterator[None]:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    return _rollback


def _case_rows(case: Case) -> list[list[dict[str, Any]]]:
    return snapshot(
        Option.objects.filter(case=case),
        Criterion.objects.filter(case=case),
        Scenario.objects.filter(case=case),
        case.evidence.all(),
        case.sources.all(),
        case.actors.all(),
        case.drivers.all(),
        DriverState.objects.filter(driver__case=case),
    )


# -- forms -------------------------------------------------------------------------------------------------

CASE_ITEM_FIELDS = {
    "option": ["name_en", "name_fr", "description_en", "instruments_en", "risks_en", "actors", "evidence"],
    "criterion": [
        "name_en",
        "definition_en",
        "parent",
        "direction",
        "scale_min",
        "scale_max",
        "unit",
        "is_group_choice",
        "preference_function",
        "indifference_threshold",
        "preference_threshold",
        "gaussian_spread",
        "scale_low_en",
    ],
    "scenario": ["name_en", "narrative_en", "plausibility", "evidence"],
    "evidence": ["text_en", "source", "locator", "quote"],
    "source": ["title", "authors", "date", "url"],
    "actor": ["name_en", "stance_fr", "kind", "evidence"],
    "driver": ["name_en", "description_en", "evidence"],
    "state": ["name_en", "driver"],
}


@BOUNDED
@given(
    kind=st.sampled_from(sorted(CASE_ITEM_FIELDS)),
    new=st.booleans(),
    data=st.data(),
)
def test_case_editing_refuses_bad_fields_and_writes_nothing(world: World, rollback, kind, new, data) -> None:
    """Contract: 302 when saved; 422 with the form's errors shown, and the case unchanged."""
    fields = CASE_ITEM_FIELDS[kind]
    values = data.draw(st.fixed_dictionaries({}, optional={name: FIELD_VALUE for name in fields}))
    with rollback():
        case = world.case
        model = FORMS[kind]._meta.model
        rows = (
            DriverState.objects.filter(driver__case=case)
            if kind == "state"
            else model.objects.filter(case=case)
        )
        item = rows.order_by("pk").first()
        url = (
            reverse("case-item-new", args=[case.pk, kind])
            if new
            else reverse("case-item-edit", args=[case.pk, kind, item.pk])
        )
        if not new:
            values = {**values, "version": str(item.version)}
        before = _case_rows(case)
        response = post_form(world.owner, url, values)
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_shown(response)
            assert _case_rows(case) == before


@BOUNDED
@given(data=st.data())
def test_exercise_set_up_refuses_bad_fields_and_creates_nothing(world: World, rollback, data) -> None:
    """Contract: 302 to the new exercise when valid; 422 with the errors shown and no exercise created."""
    options = [str(pk) for pk in world.case.options.values_list("pk", flat=True)]
    criteria = [str(pk) for pk in world.case.criteria.filter(is_group=False).values_list("pk", flat=True)]
    ids = st.one_of(st.sampled_from(options + criteria), FIELD_VALUE)
    values = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "title": FIELD_VALUE,
                "options": st.lists(ids, max_size=4),
                "criteria": st.lists(ids, max_size=4),
                "scenarios": st.lists(FIELD_VALUE, max_size=2),
                "method": st.one_of(st.just("weighted_sum"), FIELD_VALUE),
                "mode": st.one_of(st.sampled_from(["open", "workshop"]), FIELD_VALUE),
                "weighting_method": st.one_of(st.sampled_from(WeightingMethod.values), FIELD_VALUE),
                "scale": st.one_of(st.sampled_from(["criteria", "0-10"]), FIELD_VALUE),
                "anonymity": FIELD_VALUE,
                "max_rounds": FIELD_VALUE,
                "consensus_threshold": FIELD_VALUE,
                "phase_minutes": FIELD_VALUE,
            },
        )
    )
    with rollback():
        before = Exercise.objects.count()
        response = post_form(world.owner, reverse("exercise-new", args=[world.case.pk]), values)
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_shown(response)
            assert Exercise.objects.count() == before


def _workshop_row(exercise: Exercise) -> list[list[dict[str, Any]]]:
    return snapshot(Exercise.objects.filter(pk=exercise.pk), Participant.objects.filter(exercise=exercise))


@BOUNDED
@given(data=st.data())
def test_workshop_settings_refuse_bad_fields_and_change_nothing(world: World, rollback, data) -> None:
    """Contract: 302 when saved; 409 (someone else's version) or 422 with the message, settings unchanged."""
    workshop = world.workshop
    values = data.draw(
        st.fixed_dictionaries(
            {
                "version": st.one_of(st.just(str(workshop.version)), FIELD_VALUE),
                "weighting_method": st.one_of(st.sampled_from(WeightingMethod.values), FIELD_VALUE),
                "anonymity": st.one_of(st.sampled_from(["named", "pseudonymous"]), FIELD_VALUE),
                "max_rounds": st.one_of(st.just("3"), FIELD_VALUE),
                "consensus_threshold": st.one_of(st.just("1.0"), FIELD_VALUE),
            },
            optional={"blind": FIELD_VALUE, "phase_minutes": FIELD_VALUE},
        )
    )
    with rollback():
        before = _workshop_row(workshop)
        response = post_form(world.owner, reverse("workshop-settings", args=[workshop.pk]), values)
        assert response.status_code in (302, 409, 422), response.status_code
        if response.status_code != 302:
            assert_refusal_shown(response)
            assert _workshop_row(workshop) == before


@BOUNDED
@given(
    subject=st.one_of(st.sampled_from(["o-", "c-", "x-"]), NASTY),
    subject_id=st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), NASTY),
    parent=st.one_of(st.none(), FIELD_VALUE, st.integers(min_value=-(10**30), max_value=10**30).map(str)),
    body=FIELD_VALUE,
)
def test_comments_refuse_bad_input_and_write_nothing(
    world: World, rollback, subject, subject_id, parent, body
):
    """Contract: 200 with the thread when posted; 422 with the message, no comment written."""
    url = reverse("workshop-comments", args=[world.workshop.pk])
    option = world.workshop.options.first()
    data: dict[str, Any] = {"subject": subject + subject_id, "body": body}
    if parent is not None:
        data["parent"] = parent
    with rollback():
        before = Comment.objects.count()
        response = post_form(world.participant, url, data)
        assert response.status_code in (200, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_shown(response)
            assert Comment.objects.count() == before
        else:
            assert Comment.objects.count() == before + 1
            assert "\x00" not in Comment.objects.latest("pk").body
        # A well-formed comment still goes through after whatever came before.
        ok = post_form(world.participant, url, {"subject": f"o-{option.pk}", "body": "fine"})
        assert ok.status_code == 200


@BOUNDED
@given(code=FIELD_VALUE, join=st.booleans(), address=st.ip_addresses(v=4).map(str))
def test_join_by_code_never_fails_on_a_bad_code(world: World, rollback, code, join, address) -> None:
    """Contract: an unknown code is a 422 (typed) with the message; no participant is created."""
    data: dict[str, Any] = {"code": code, "name": "Someone"}
    if join:
        data["join"] = "1"
    with rollback():
        before = Participant.objects.count()
        response = Client(REMOTE_ADDR=address).post(
            reverse("workshop-join"), form_body(data), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (200, 422, 429), response.status_code
        if response.status_code != 200:
            assert_refusal_shown(response)
        assert Participant.objects.count() == before


@BOUNDED
@given(name=FIELD_VALUE)
def test_guest_names_are_checked_before_anyone_joins(world: World, rollback, name) -> None:
    """Contract: 302 into the workshop when the name is fine; 422 with the message and nobody added."""
    with rollback():
        before = Participant.objects.count()
        response = Client().post(
            reverse("workshop-join"),
            form_body({"code": world.workshop.join_code, "name": name, "join": "1"}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_shown(response)
            assert Participant.objects.count() == before
        else:
            guest = Participant.objects.filter(exercise=world.workshop).latest("pk")
            assert "\x00" not in guest.alias and len(guest.alias) <= 40


# -- htmx endpoints ----------------------------------------------------------------------------------------


def _judgments(exercise: Exercise) -> list[list[dict[str, Any]]]:
    return snapshot(
        ScoreJudgment.objects.filter(participant__exercise=exercise),
        WeightJudgment.objects.filter(participant__exercise=exercise),
        PairwiseJudgment.objects.filter(participant__exercise=exercise),
    )


@BOUNDED
@given(
    value=FIELD_VALUE,
    rationale=st.one_of(st.none(), FIELD_VALUE),
    confidence=st.one_of(st.none(), FIELD_VALUE),
    scenario=st.one_of(st.none(), FIELD_VALUE),
)
def test_score_cell_save_refuses_bad_values_and_writes_nothing(
    world: World, rollback, value, rationale, confidence, scenario
) -> None:
    """Contract: 200 "saved"; 422 with the message in the save-status partial (404 for an unknown scenario)."""
    option, criterion = world.workshop.options.first(), world.workshop.criteria.first()
    url = reverse("workshop-score", args=[world.workshop.pk, option.pk, criterion.pk])
    data = {"value": value}
    data |= {k: v for k, v in (("rationale", rationale), ("confidence", confidence)) if v is not None}
    if scenario is not None:
        data["scenario"] = scenario
    with rollback():
        world.participant.get(reverse("workshop-play", args=[world.workshop.pk]))  # joins as participant
        before = _judgments(world.workshop)
        response = post_form(world.participant, url, data, **{"HX-Request": "true"})
        assert response.status_code in (200, 404, 422), response.status_code
        if response.status_code != 200:
            if response.status_code == 422:
                assert_refusal_shown(response)
            assert _judgments(world.workshop) == before


def _pair_keys(exercise: Exercise) -> list[str]:
    pks = sorted(exercise.criteria.values_list("pk", flat=True))
    return [f"p-{a}-{b}" for i, a in enumerate(pks) for b in pks[i + 1 :]]


@BOUNDED
@given(method=st.sampled_from(WeightingMethod.values), data=st.data())
def test_weights_save_refuses_bad_values_and_writes_nothing(world: World, rollback, method, data) -> None:
    """Contract: 200 "saved"; 422 with the message, no weight or comparison written (AHP keys included)."""
    criteria = list(world.workshop.criteria.values_list("pk", flat=True))
    names = [f"w-{pk}" for pk in criteria] + _pair_keys(world.workshop)
    odd_keys = st.one_of(
        st.sampled_from(["p-1", "p--", "p-٣-1", "p-1-2-3", f"p-{criteria[0]}-{criteria[0]}", "scenario"]),
        st.tuples(st.integers(-(10**30), 10**30), st.integers(-(10**30), 10**30)).map(
            lambda t: f"p-{t[0]}-{t[1]}"
        ),
        st.text(max_size=12).map(lambda s: "p-" + s),
    )
    values = data.draw(
        st.dictionaries(
            st.one_of(st.sampled_from(names), odd_keys),
            st.one_of(st.sampled_from(["1", "3", "1/3", "9", "50", "1/9"]), FIELD_VALUE),
            max_size=6,
        )
    )
    with rollback():
        Exercise.objects.filter(pk=world.workshop.pk).update(weighting_method=method)
        world.participant.get(reverse("workshop-play", args=[world.workshop.pk]))
        before = _judgments(world.workshop)
        response = post_form(
            world.participant,
            reverse("workshop-weights", args=[world.workshop.pk]),
            values,
            **{"HX-Request": "true"},
        )
        assert response.status_code in (200, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_shown(response)
            assert _judgments(world.workshop) == before


@BOUNDED
@given(phase=st.one_of(st.sampled_from(Phase.values), FIELD_VALUE), version=st.one_of(st.none(), FIELD_VALUE))
def test_phase_set_refuses_bad_phases_and_versions(world: World, rollback, phase, version) -> None:
    """Contract: 302 when moved; 409 for a stale or malformed version, 422 for an unknown phase; nothing moved.
    Closing with the current version first asks for confirmation (200), and moves nothing either."""
    with rollback():
        workshop = Exercise.objects.get(pk=world.workshop.pk)
        data = {"phase": phase, "version": str(workshop.version) if version is None else version}
        before = _workshop_row(workshop)
        response = post_form(world.owner, reverse("workshop-phase", args=[workshop.pk]), data)
        if response.status_code == 200:
            assert phase == Phase.CLOSED and data["version"] == str(workshop.version)
            assert 'name="confirm" value="yes"' in response.content.decode()
            assert _workshop_row(workshop) == before
            return
        assert response.status_code in (302, 409, 422), response.status_code
        if response.status_code != 302:
            assert_refusal_shown(response)
            assert _workshop_row(workshop) == before


# -- the API's writes --------------------------------------------------------------------------------------


def api_call(client: Client, method: str, url: str, secret: str, body: bytes | str) -> HttpResponse:
    return client.generic(
        method, url, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=True)  # NaN and Infinity as JavaScript writes them


def judgment_bodies(world: World) -> st.SearchStrategy[str]:
    criteria = list(world.exercise.criteria.values_list("key", flat=True))
    options = list(world.exercise.options.values_list("key", flat=True))
    key = st.one_of(st.sampled_from(criteria + options), json_values(2))
    weight = st.fixed_dictionaries({"criterion": key, "value": json_values(1)})
    score = st.fixed_dictionaries({"option": key, "criterion": key, "value": json_values(1)})
    body = st.one_of(
        st.fixed_dictionaries(
            {}, optional={"weights": st.lists(weight, max_size=3), "scores": st.lists(score, max_size=3)}
        ),
        json_values(),
    )
    return st.one_of(
        body.map(_dumps), st.just(deeply_nested()), st.sampled_from(["", "{", "\x00", '{"weights": NaN}'])
    )


@BOUNDED
@given(data=st.data())
def test_api_judgments_refuse_bad_bodies_and_write_nothing(world: World, rollback, data) -> None:
    """Contract: 200 with the judgments; 400/413/422 with the error body, nothing saved."""
    body = data.draw(judgment_bodies(world))
    url = reverse("api:judgments-save", args=[world.exercise.pk])
    with rollback():
        before = _judgments(world.exercise)
        response = api_call(world.participant, "PUT", url, world.secret, body)
        assert response.status_code in (200, 400, 413, 422), (response.status_code, response.content[:500])
        if response.status_code != 200:
            assert_api_error(response)
            assert _judgments(world.exercise) == before


@BOUNDED
@given(
    body=st.one_of(
        st.fixed_dictionaries({}, optional={"kind": json_values(1), "language": json_values(1)}).map(_dumps),
        json_values().map(_dumps),
        st.just(deeply_nested()),
    )
)
def test_api_report_requests_refuse_bad_bodies(world: World, rollback, body) -> None:
    """Contract: 202 with the job; 400/422 with the error body, no report row."""
    url = reverse("api:report-request", args=[world.exercise.pk])
    with rollback():
        before = Report.objects.count()
        response = api_call(world.participant, "POST", url, world.secret, body)
        assert response.status_code in (202, 400, 422), (response.status_code, response.content[:500])
        if response.status_code != 202:
            assert_api_error(response)
            assert Report.objects.count() == before
        else:
            assert Report.objects.count() == before + 1


# -- case files --------------------------------------------------------------------------------------------

SMALL_DOCUMENT = json.loads(SMALL.read_text())


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


PATHS = [p for p in _paths(SMALL_DOCUMENT) if p]


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """The document with the value at `path` replaced; unchanged if an earlier replacement removed the path."""
    copy = json.loads(json.dumps(document))
    target = copy
    try:
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        return document
    return copy


@st.composite
def mutated_case_files(draw: st.DrawFn) -> bytes:
    """The small case with one to three values replaced by hostile ones; sometimes a whole hostile document."""
    document = SMALL_DOCUMENT
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        value = draw(st.one_of(json_values(3), st.sampled_from(NASTY_WORDS), LONG))
        document = _replace(document, path, value)
    text = _dumps(document)
    return draw(st.one_of(st.just(text), st.just(deeply_nested()), json_values().map(_dumps))).encode(
        "utf-8", "surrogatepass"
    )


def _case_count() -> int:
    return Case.objects.count()


@BOUNDED
@given(raw=mutated_case_files())
def test_a_case_file_parse_case_file_accepts_can_be_imported(world: World, rollback, raw: bytes) -> None:
    """parse_case_file either refuses with problems, or its CaseFile imports without any database error."""
    with rollback():
        try:
            case_file = parse_case_file(raw)
        except CaseFileError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
            return
        owner = Membership.objects.filter(team=world.team, role=Role.OWNER).first()
        import_case_file(case_file=case_file, team=world.team, importer=owner, as_new=True)


@BOUNDED
@given(raw=mutated_case_files())
def test_web_case_import_refuses_bad_files_and_imports_nothing(world: World, rollback, raw: bytes) -> None:
    """Contract: 302 to the new case; 422 listing the problems, no case created."""
    with rollback():
        before = _case_count()
        response = world.owner.post(
            reverse("case-import", args=[world.team.slug]),
            {"file": SimpleUploadedFile("case.json", raw), "as_new": "on"},
        )
        assert response.status_code in (302, 422), response.status_code
        if response.status_code == 422:
            assert_refusal_shown(response)
            assert _case_count() == before


@BOUNDED
@given(raw=mutated_case_files())
def test_api_case_import_refuses_bad_files_and_imports_nothing(world: World, rollback, raw: bytes) -> None:
    """Contract: 201 with the case; 400/413/422 with the error body, no case created."""
    with rollback():
        before = _case_count()
        url = reverse("api:case-import", args=[world.team.slug])
        response = api_call(Client(), "POST", url, world.owner_secret, raw)
        assert response.status_code in (201, 400, 413, 422), (response.status_code, response.content[:500])
        if response.status_code != 201:
            assert_api_error(response)
            assert _case_count() == before


def test_oversized_uploads_and_bodies_are_refused_clearly(world: World) -> None:
    """Past the limits: a 422 naming the size on the web import, a 413 on the API, a 400 for a huge form post."""
    big = b'{"format": "policy-workbench-case", "pad": "' + b"x" * MAX_CASE_FILE_BYTES + b'"}'
    before = _case_count()
    response = world.owner.post(
        reverse("case-import", args=[world.team.slug]), {"file": SimpleUploadedFile("big.json", big)}
    )
    assert response.status_code == 422
    assert "MB" in body_text(response)
    response = api_call(
        Client(), "POST", reverse("api:case-import", args=[world.team.slug]), world.owner_secret, big
    )
    assert response.status_code == 413
    assert_api_error(response)
    # A form post over DATA_UPLOAD_MAX_MEMORY_SIZE: Django refuses it before the view (400), never a 500.
    option = world.case.options.first()
    url = reverse("case-item-edit", args=[world.case.pk, "option", option.pk])
    response = world.owner.post(url, {"name_en": "x" * 3_000_000})
    assert response.status_code == 400
    assert _case_count() == before
    option.refresh_from_db()
    assert "x" * 100 not in json.dumps(option.name)


def test_the_strategies_really_produce_hostile_values() -> None:
    """The generators above must include what they promise, or the properties prove little."""
    floats = [float(w) for w in NASTY_WORDS if w in ("NaN", "inf", "-inf", "1e308", "1e309")]
    assert any(math.isnan(f) for f in floats) and any(math.isinf(f) for f in floats)
    assert any("\x00" in w for w in NASTY_WORDS) and any("\u202e" in w for w in NASTY_WORDS)
    assert json.loads(_dumps("\ud800")) == "\ud800"  # a lone surrogate travels in JSON
    assert len(deeply_nested()) > 90_000


# -- digit lookalikes ("²" passes str.isdigit, not int), ids past 64 bits and NUL in a rationale -----------------


def _weights_post(world: World, method: str, data: dict[str, str]) -> HttpResponse:
    Exercise.objects.filter(pk=world.workshop.pk).update(weighting_method=method)
    world.participant.get(reverse("workshop-play", args=[world.workshop.pk]))
    return post_form(world.participant, reverse("workshop-weights", args=[world.workshop.pk]), data)


def test_weights_save_ahp_key_with_a_superscript_digit_is_refused(world: World) -> None:
    before = _judgments(world.workshop)
    response = _weights_post(world, WeightingMethod.AHP, {"p-²-1": "3"})
    assert response.status_code in (200, 422)
    assert _judgments(world.workshop) == before


def test_weights_save_scenario_with_a_superscript_digit_is_refused(world: World) -> None:
    before = _judgments(world.workshop)
    response = _weights_post(world, WeightingMethod.DIRECT, {"scenario": "²"})
    assert response.status_code == 422
    assert _judgments(world.workshop) == before


def test_weights_save_rank_with_a_superscript_digit_is_refused(world: World) -> None:
    before = _judgments(world.workshop)
    criteria = world.workshop.criteria.order_by("position", "pk")
    response = _weights_post(world, WeightingMethod.RANK, {f"w-{c.pk}": "²" for c in criteria})
    assert response.status_code == 422
    assert _judgments(world.workshop) == before


def test_score_cell_save_scenario_with_a_superscript_digit_is_refused(world: World) -> None:
    option, criterion = world.workshop.options.first(), world.workshop.criteria.first()
    world.participant.get(reverse("workshop-play", args=[world.workshop.pk]))
    before = _judgments(world.workshop)
    url = reverse("workshop-score", args=[world.workshop.pk, option.pk, criterion.pk])
    response = post_form(world.participant, url, {"value": "5", "scenario": "²"})
    assert response.status_code == 422
    assert _judgments(world.workshop) == before


def test_score_cell_save_refuses_a_scenario_id_past_64_bits(world: World) -> None:
    option, criterion = world.workshop.options.first(), world.workshop.criteria.first()
    world.participant.get(reverse("workshop-play", args=[world.workshop.pk]))
    before = _judgments(world.workshop)
    url = reverse("workshop-score", args=[world.workshop.pk, option.pk, criterion.pk])
    response = post_form(world.participant, url, {"value": "5", "scenario": "9" * 20})
    assert response.status_code in (404, 422)
    assert _judgments(world.workshop) == before


def test_score_cell_save_refuses_a_nul_in_the_rationale(world: World) -> None:
    option, criterion = world.workshop.options.first(), world.workshop.criteria.first()
    world.participant.get(reverse("workshop-play", args=[world.workshop.pk]))
    before = _judgments(world.workshop)
    url = reverse("workshop-score", args=[world.workshop.pk, option.pk, criterion.pk])
    response = post_form(world.participant, url, {"value": "5", "rationale": "a\x00b"})
    assert response.status_code == 422
    assert _judgments(world.workshop) == before


def test_digit_lookalikes_reach_the_views_the_fixed_endpoints_refuse_them(world: World) -> None:
    """The same characters on the endpoints fixed here: comments and the facilitator's controls answer 422/409."""
    url = reverse("workshop-comments", args=[world.workshop.pk])
    assert post_form(world.participant, url, {"subject": "o-²", "body": "hi"}).status_code == 422
    assert (
        post_form(world.participant, url, {"subject": "o-1", "parent": "²", "body": "hi"}).status_code == 422
    )
    phase = post_form(
        world.owner, reverse("workshop-phase", args=[world.workshop.pk]), {"phase": "reveal", "version": "²"}
    )
    assert phase.status_code == 409
    assert Exercise.objects.get(pk=world.workshop.pk).phase == Phase.SCORING


def test_a_scale_too_wide_for_any_score_is_refused_where_it_is_typed(world: World) -> None:
    """A scale up to 1e308 would accept a score of 2e6 that the database's check refuses (a 500 when scoring):
    the criterion form and the case file refuse such a scale, and scoring within an allowed scale works."""
    criterion = world.exercise.criteria.order_by("pk").first()
    url = reverse("case-item-edit", args=[world.case.pk, "criterion", criterion.pk])
    form = {
        "name_en": "Wide",
        "direction": "benefit",
        "scale_min": "0",
        "scale_max": "1e308",
        "unit": "pts",
        "version": str(criterion.version),
    }
    before = _case_rows(world.case)
    response = world.owner.post(url, form)
    assert response.status_code == 422
    assert_refusal_shown(response)
    assert _case_rows(world.case) == before
    assert world.owner.post(url, {**form, "scale_max": "1000000"}).status_code == 302
    option = world.exercise.options.order_by("pk").first()
    score = reverse("score-save", args=[world.exercise.pk, option.pk, criterion.pk])
    assert world.owner.post(score, {"value": "2e6"}).status_code == 422
    assert world.owner.post(score, {"value": "1e6"}).status_code == 200

    document = json.loads(SMALL.read_text())
    document["criteria"][-1]["scale"] = {"min": 0, "max": 1e308}
    with pytest.raises(CaseFileError) as refused:
        parse_case_file(json.dumps(document))
    assert [p.path for p in refused.value.problems] == [
        f"$.criteria[{len(document['criteria']) - 1}].scale.max"
    ]


@pytest.mark.parametrize("key", ["9223372036854775808", "-9223372036854775809", "1" * 40])
def test_exercise_set_up_refuses_ids_no_database_key_can_hold(world: World, key: str) -> None:
    """Found by the property above on SQLite, which overflows on such numbers instead of finding nothing."""
    before = Exercise.objects.count()
    values = {"title": "Overflow", "options": [key], "criteria": [key], "method": "weighted_sum"}
    response = post_form(world.owner, reverse("exercise-new", args=[world.case.pk]), values)
    assert response.status_code == 422
    assert_refusal_shown(response)
    assert Exercise.objects.count() == before
