"""The two requests a full workshop room makes most: the phase poll and the autosave of one cell.

Two hundred participants poll every few seconds and save about once a second, so these tests pin their cost in
queries and check that the short paths keep the same rules as the full ones.
"""

import re
import threading

import pytest
from django import db
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import Exercise, Participant, Role, ScoreJudgment
from policies.models.exercises import Phase
from policies.selectors.access import WORKSHOP_SESSION_KEY, get_own_viewer
from policies.services.judgments import ScoreEntry, record_score
from policies.sql import score_cells
from tests.factories import CaseFactory, MembershipFactory, OptionFactory, ScenarioFactory
from tests.viewers import judging
from tests.web.test_workshop_flow import guest, score, workshop

pytestmark = pytest.mark.django_db


def scoring_workshop() -> Exercise:
    exercise = workshop()
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.SCORING)
    exercise.refresh_from_db()
    return exercise


def token(exercise: Exercise) -> str:
    exercise.refresh_from_db()
    return f"{exercise.phase}-{exercise.current_round}-{exercise.version}"


def test_a_participants_unchanged_poll_costs_at_most_two_queries(django_assert_max_num_queries) -> None:
    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    state = reverse("workshop-state", args=[exercise.pk])
    current = token(exercise)
    amina.get(state, {"v": current}, headers={"HX-Request": "true"})  # the first poll records last_seen
    # The session (unless a shared cache holds it) and the participant's row with its exercise.
    with django_assert_max_num_queries(2):
        response = amina.get(state, {"v": current}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["ETag"] == f'"{current}"'


def test_every_cell_of_the_scoring_table_posts_to_its_own_address() -> None:
    exercise = scoring_workshop()
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    amina, _participant = guest(exercise, "Amina")
    html = amina.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    expected = [
        reverse("workshop-score", args=[exercise.pk, option.pk, criterion.pk])
        for _table in ("baseline", "scenario")
        for option in exercise.options.order_by("position", "pk")
        for criterion in exercise.criteria.order_by("position", "pk")
    ]
    assert re.findall(r'class="autosave cell[^"]*" hx-post="([^"]+)"', html) == expected
    # Each cell's inputs have ids of their own, so every label points at one field.
    ids = re.findall(r'<(?:input|textarea|select) id="([src]-[^"]+)"', html)
    assert len(ids) == len(set(ids)) == 3 * len(expected)


def test_the_hand_written_participant_lookup_reads_what_the_orm_reads(rf) -> None:
    exercise = scoring_workshop()
    Exercise.objects.filter(pk=exercise.pk).update(
        title={"en": "Mali", "fr": "Mali, 2012"}, phase_minutes=7, weights_by_scenario=True
    )
    _client, participant = guest(exercise, "Amina")
    Participant.objects.filter(pk=participant.pk).update(
        profile={"en": "analyst", "fr": "analyste"}, last_seen=timezone.now()
    )
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {WORKSHOP_SESSION_KEY: {str(exercise.pk): participant.pk}}
    viewer = get_own_viewer(request, exercise.pk)
    assert viewer is not None and viewer.role is None and viewer.can_judge
    fast = viewer.participant
    slow = Participant.objects.select_related("exercise").get(pk=participant.pk)
    assert fast is not None and fast._state.adding is False
    for mine, theirs in ((fast, slow), (fast.exercise, slow.exercise)):
        for field in type(theirs)._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    # Another exercise's id, or a participant of another exercise, finds nothing.
    assert get_own_viewer(request, exercise.pk + 1) is None


def test_a_poll_after_a_phase_change_returns_the_new_stage() -> None:
    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    old = token(exercise)
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.REVEAL, version=exercise.version + 1)
    response = amina.get(
        reverse("workshop-state", args=[exercise.pk]), {"v": old}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'data-phase="reveal"' in response.content.decode()
    assert response["ETag"] == f'"{token(exercise)}"'


def test_a_stranger_polling_or_saving_gets_a_404() -> None:
    exercise = scoring_workshop()
    stranger = Client()
    option, criterion = exercise.options.first(), exercise.criteria.first()
    assert stranger.get(reverse("workshop-state", args=[exercise.pk])).status_code == 404
    assert score(stranger, exercise, option, criterion, "3").status_code == 404
    assert not ScoreJudgment.objects.exists()


def test_a_guest_of_one_workshop_cannot_poll_or_save_in_another() -> None:
    first, other = scoring_workshop(), scoring_workshop()
    amina, _participant = guest(first, "Amina")
    option, criterion = other.options.first(), other.criteria.first()
    assert amina.get(reverse("workshop-state", args=[other.pk])).status_code == 404
    assert score(amina, other, option, criterion, "3").status_code == 404
    assert not ScoreJudgment.objects.exists()


def test_a_cell_save_costs_a_bounded_number_of_queries(django_assert_max_num_queries) -> None:
    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    option, criterion = exercise.options.first(), exercise.criteria.first()
    # Session, participant with exercise and the cell check; then PostgreSQL writes the cell and its history
    # row in one statement, SQLite in a transaction (savepoint, update, insert, history row, release).
    first, revision = (4, 4) if connection.vendor == "postgresql" else (8, 7)
    with django_assert_max_num_queries(first):
        assert (
            score(amina, exercise, option, criterion, "4", rationale="why", confidence="2").status_code == 200
        )
    with django_assert_max_num_queries(revision):
        assert score(amina, exercise, option, criterion, "6").status_code == 200
    judgment = ScoreJudgment.objects.get()
    # Rationale and confidence not sent are kept; each save leaves a history row.
    assert (judgment.value, judgment.rationale, judgment.confidence) == (6, {"en": "why"}, 2)
    assert list(judgment.history.order_by("history_id").values_list("value", "history_type")) == [
        (4, "+"),
        (6, "~"),
    ]


def test_a_cell_sent_again_unchanged_is_saved_without_a_trail_row_or_a_dashboard_redraw() -> None:
    """The page sends its cells again as it closes: each answer says saved, and nothing is recorded."""
    from policies.selectors.workshop_state import dashboard_token
    from tests.web.test_workshop_flow import facilitator_client

    exercise = scoring_workshop()
    amina, participant = guest(exercise, "Amina")
    boss = facilitator_client(exercise)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    assert score(amina, exercise, option, criterion, "4", rationale="why", confidence="2").status_code == 200
    token = dashboard_token(exercise)
    for extra in ({}, {"rationale": "why", "confidence": "2"}):
        response = score(amina, exercise, option, criterion, "4", **extra)
        assert response.status_code == 200
        assert 'data-state="saved"' in response.content.decode()
    assert ScoreJudgment.history.filter(participant_id=participant.pk).count() == 1
    assert dashboard_token(exercise) == token
    live = reverse("workshop-live", args=[exercise.pk])
    assert boss.get(live, {"v": token}, headers={"HX-Request": "true"}).status_code == 204
    trail = boss.get(reverse("workshop-trail", args=[exercise.pk])).content.decode()
    assert trail.count("<tr><td>") == 1


def test_a_member_saves_through_the_same_short_path(client, login) -> None:
    exercise = scoring_workshop()
    membership = MembershipFactory(team=exercise.team, role=Role.PARTICIPANT)
    client.force_login(membership.user)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    # The first save creates the member's participant row through the full path.
    assert score(client, exercise, option, criterion, "2").status_code == 200
    assert score(client, exercise, option, criterion, "3").status_code == 200
    assert ScoreJudgment.objects.get().value == 3
    observer = Client()
    observer.force_login(MembershipFactory(team=exercise.team, role=Role.OBSERVER).user)
    assert score(observer, exercise, option, criterion, "9").status_code == 403
    assert ScoreJudgment.objects.get().value == 3


@pytest.mark.parametrize("scenario", ["abc", "1.5", "-1", "99999999"])
def test_a_bad_or_foreign_scenario_is_refused_and_nothing_is_written(scenario: str) -> None:
    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    option, criterion = exercise.options.first(), exercise.criteria.first()
    response = score(amina, exercise, option, criterion, "3", scenario=scenario)
    assert response.status_code == 422
    assert "not part of the exercise" in response.content.decode()
    assert not ScoreJudgment.objects.exists()


def test_cells_outside_the_exercise_are_refused() -> None:
    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    criterion = exercise.criteria.first()
    elsewhere = OptionFactory(case=CaseFactory(team=exercise.team))
    not_in_play = OptionFactory(case=exercise.case)  # same case, left out of the exercise
    foreign_scenario = ScenarioFactory(case=CaseFactory(team=exercise.team))
    for option in (elsewhere, not_in_play):
        assert score(amina, exercise, option, criterion, "3").status_code == 422
    ok_option = exercise.options.first()
    assert (
        score(amina, exercise, ok_option, criterion, "3", scenario=str(foreign_scenario.pk)).status_code
        == 422
    )
    assert not ScoreJudgment.objects.exists()


def test_a_double_submit_of_a_new_cell_becomes_an_update(monkeypatch) -> None:
    exercise = scoring_workshop()
    _client, participant = guest(exercise, "Amina")
    participant.exercise = exercise
    option, criterion = exercise.options.first(), exercise.criteria.first()
    writer = judging(participant)
    first = record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 1))
    # The other request inserted the cell after this one's UPDATE had found nothing.
    monkeypatch.setattr(score_cells, "_update_existing", lambda cursor, key, assignments: None)
    second = record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 7))
    assert second == first
    assert list(ScoreJudgment.objects.values_list("value", flat=True)) == [7]
    assert ScoreJudgment.history.filter(id=first).count() == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_of_a_cell_leave_one_row_and_both_in_the_history() -> None:
    """Two tabs (or a double tap) saving a new cell at the same instant: neither fails, one row survives, and
    the trail keeps both values, the stored one last."""
    exercise = scoring_workshop()
    _client, participant = guest(exercise, "Amina")
    participant.exercise = exercise
    option, criterion = exercise.options.first(), exercise.criteria.first()
    writer = judging(participant)
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(value: str) -> None:
        try:
            start.wait(timeout=10)
            results[value] = record_score(
                viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, float(value))
            )
        except Exception as exc:  # reported by the assertion below
            results[value] = exc
        finally:
            db.connections.close_all()

    threads = [threading.Thread(target=save, args=(value,)) for value in ("1", "7")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    judgment = ScoreJudgment.objects.get()
    assert results == {"1": judgment.pk, "7": judgment.pk}
    trail = list(judgment.history.order_by("history_id").values_list("value", flat=True))
    assert sorted(trail) == [1, 7]
    assert trail[-1] == judgment.value


@pytest.mark.parametrize("with_scenario", [False, True])
def test_rationale_and_confidence_survive_a_save_without_them(with_scenario: bool) -> None:
    exercise = scoring_workshop()
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    _client, participant = guest(exercise, "Amina")
    participant.exercise = exercise
    option, criterion = exercise.options.first(), exercise.criteria.first()
    writer = judging(participant)
    in_scenario = scenario.pk if with_scenario else None
    record_score(
        viewer=writer,
        entry=ScoreEntry(option.pk, criterion.pk, 2.5, in_scenario, rationale="  because  ", confidence=4),
    )
    record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 3, in_scenario))
    judgment = ScoreJudgment.objects.get()
    assert (judgment.value, judgment.rationale, judgment.confidence) == (3, {"en": "because"}, 4)
    assert judgment.scenario_id == in_scenario
    record_score(
        viewer=writer,
        entry=ScoreEntry(option.pk, criterion.pk, 3, in_scenario, rationale="", clear_confidence=True),
    )
    judgment.refresh_from_db()
    assert (judgment.rationale, judgment.confidence) == ({"en": ""}, None)
    # The baseline and the scenario cell are two rows.
    if with_scenario:
        record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 9))
        assert ScoreJudgment.objects.count() == 2


def test_a_changed_dashboard_reads_its_token_once_and_carries_the_one_it_read() -> None:
    from policies.selectors.workshop_state import dashboard_token
    from tests.web.test_workshop_flow import facilitator_client

    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    boss = facilitator_client(exercise)
    live = reverse("workshop-live", args=[exercise.pk])
    option, criterion = exercise.options.first(), exercise.criteria.first()
    assert score(amina, exercise, option, criterion, "4").status_code == 200
    with db.connection.execute_wrapper(counted := QueryCounter()):
        response = boss.get(live, {"v": "stale"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    # The token's four aggregate queries ran once, and the board's next poll asks with that same token.
    assert counted.matching('MAX("policies_weightjudgment"."updated")') == 1
    current = dashboard_token(exercise)
    assert f"v={current}" in response.content.decode()
    assert boss.get(live, {"v": current}, headers={"HX-Request": "true"}).status_code == 204


class QueryCounter:
    """A connection's execute wrapper that keeps the SQL it saw."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.sql.append(sql)
        return execute(sql, params, many, context)

    def matching(self, fragment: str) -> int:
        return sum(fragment in sql for sql in self.sql)


def test_server_timing_reports_the_cpu_of_a_request_only_when_turned_on(settings) -> None:
    exercise = scoring_workshop()
    amina, _participant = guest(exercise, "Amina")
    state = reverse("workshop-state", args=[exercise.pk])
    assert "Server-Timing" not in amina.get(state, {"v": "x"}, headers={"HX-Request": "true"})
    settings.MIDDLEWARE = ["policies.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
    timed = Client()  # a client builds its middleware chain once: a new one, with the same session
    timed.cookies = amina.cookies
    response = timed.get(state, {"v": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    found = re.fullmatch(r"cpu;dur=(\d+\.\d\d)", response["Server-Timing"])
    assert found is not None and float(found.group(1)) > 0
