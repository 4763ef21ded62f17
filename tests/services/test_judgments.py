"""The judgments service: a save that changes nothing writes nothing, on every kind of judgment.

The live page sends its cells again as it closes; those saves must not fill the decision trail with "4 -> 4"
rows, nor move the dashboard's token (which would redraw every facilitator's screen), while still succeeding.
"""

import pytest

from policies.models import (
    Exercise,
    ImpactJudgment,
    PairwiseJudgment,
    Participant,
    ScoreJudgment,
    WeightJudgment,
)
from policies.models.exercises import Phase
from policies.selectors.decision_trail import decision_trail
from policies.selectors.workshop_state import dashboard_token
from policies.services.impact_judgments import record_impact
from policies.services.judgments import ScoreEntry, record_comparisons, record_points, record_score
from policies.sql import score_cells
from tests.factories import ParticipantFactory, make_exercise
from tests.viewers import facilitator_view, judging
from tests.web.test_workshop_impacts import workshop as impacts_workshop

pytestmark = pytest.mark.django_db


def facilitated(phase: str, **fields: object) -> tuple[Exercise, Participant]:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, blind=True, phase=phase, **fields)
    exercise.refresh_from_db()
    person = ParticipantFactory(exercise=exercise, alias="Ana")
    person.exercise = exercise
    return exercise, person


def score_history(person: Participant) -> list[tuple[float, str]]:
    return list(
        ScoreJudgment.history.filter(participant_id=person.pk)
        .order_by("history_id")
        .values_list("value", "history_type")
    )


@pytest.mark.parametrize("with_scenario", [False, True])
def test_a_score_saved_again_unchanged_writes_no_history_and_keeps_the_token(with_scenario: bool) -> None:
    exercise, person = facilitated(Phase.SCORING)
    scenario = None
    if with_scenario:
        from tests.factories import ScenarioFactory

        scenario = ScenarioFactory(case=exercise.case)
        exercise.scenarios.add(scenario)
    writer = judging(person)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    s = None if scenario is None else scenario.pk

    def save(value: float, **extra: object) -> int:
        return record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, value, s, **extra))

    first = save(4, rationale="because", confidence=3)
    stored = ScoreJudgment.objects.get()
    token = dashboard_token(exercise)
    # The same value, with or without the same rationale and confidence: still answered with the cell's id.
    assert save(4) == first
    assert save(4, rationale=" because ", confidence=3) == first
    assert score_history(person) == [(4, "+")]
    assert ScoreJudgment.objects.get().updated == stored.updated
    assert dashboard_token(exercise) == token
    # A real change of the rationale, the confidence or the value is recorded, each once.
    assert save(4, rationale="on reflection") == first
    assert save(4, clear_confidence=True) == first
    assert save(6) == first
    assert score_history(person) == [(4, "+"), (4, "~"), (4, "~"), (6, "~")]
    judgment = ScoreJudgment.objects.get()
    assert (judgment.value, judgment.rationale, judgment.confidence) == (6, {"en": "on reflection"}, None)
    assert dashboard_token(exercise) != token


def test_an_unchanged_save_racing_a_first_save_writes_nothing(monkeypatch) -> None:
    """The INSERT path (another request inserted the cell after this one's UPDATE found nothing) also leaves
    an unchanged cell alone: the upsert's update only runs when something differs."""
    exercise, person = facilitated(Phase.SCORING)
    writer = judging(person)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    first = record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 5))
    monkeypatch.setattr(score_cells, "_update_existing", lambda cursor, key, assignments: None)
    assert record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 5)) == first
    assert score_history(person) == [(5, "+")]
    assert record_score(viewer=writer, entry=ScoreEntry(option.pk, criterion.pk, 7)) == first
    assert [value for value, _kind in score_history(person)] == [5, 7]


def test_unchanged_points_and_comparisons_write_no_history() -> None:
    exercise, person = facilitated(Phase.WEIGHTING)
    writer = judging(person)
    a, b = exercise.criteria.order_by("position", "pk")
    record_points(viewer=writer, points={a.pk: 60, b.pk: 40}, rationales={a.pk: "matters"})
    before = WeightJudgment.history.filter(participant_id=person.pk).count()
    updated = dict(WeightJudgment.objects.values_list("criterion_id", "updated"))
    token = dashboard_token(exercise)
    record_points(viewer=writer, points={a.pk: 60, b.pk: 40}, rationales={a.pk: "matters"})
    record_points(viewer=writer, points={a.pk: 60.00001, b.pk: 39.99999})  # the same once rounded
    assert WeightJudgment.history.filter(participant_id=person.pk).count() == before == 2
    assert dict(WeightJudgment.objects.values_list("criterion_id", "updated")) == updated
    assert dashboard_token(exercise) == token
    record_points(viewer=writer, points={a.pk: 70, b.pk: 30})
    assert WeightJudgment.history.filter(participant_id=person.pk).count() == 4
    assert dict(WeightJudgment.objects.values_list("criterion_id", "value")) == {a.pk: 70, b.pk: 30}

    Exercise.objects.filter(pk=exercise.pk).update(weighting_method="ahp")
    exercise.refresh_from_db()
    writer = judging(person)
    record_comparisons(viewer=writer, ratios={(a.pk, b.pk): 3})
    pairs, weights = PairwiseJudgment.history.count(), WeightJudgment.history.count()
    record_comparisons(viewer=writer, ratios={(b.pk, a.pk): 1 / 3})  # the same comparison, the other way
    assert (PairwiseJudgment.history.count(), WeightJudgment.history.count()) == (pairs, weights)
    record_comparisons(viewer=writer, ratios={(a.pk, b.pk): 5})
    assert PairwiseJudgment.history.count() == pairs + 1
    assert PairwiseJudgment.objects.get().value == 5


def test_an_unchanged_cross_impact_rating_writes_no_history() -> None:
    exercise, states = impacts_workshop()
    person = ParticipantFactory(exercise=exercise)
    person.exercise = exercise
    writer = judging(person)
    rate = {"viewer": writer, "source": states["junta"], "target": states["suspended"]}
    first = record_impact(**rate, value=2)
    updated = first.updated
    assert record_impact(**rate, value=2).pk == first.pk
    assert ImpactJudgment.history.filter(id=first.pk).count() == 1
    assert ImpactJudgment.objects.get().updated == updated
    record_impact(**rate, value=-1)
    assert list(ImpactJudgment.history.filter(id=first.pk).order_by("history_id").values_list("value")) == [
        (2,),
        (-1,),
    ]


def test_the_trail_leaves_out_rows_already_recorded_that_changed_no_value() -> None:
    """History written before saves were checked for a change (or a rationale edited alone) holds rows whose
    value is the one before; the trail lists only real changes, and the cut keeps the newest of those."""
    exercise, person = facilitated(Phase.SCORING)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    a, b = exercise.criteria.order_by("position", "pk")
    # The ORM's save records a history row every time, as the old write paths did.
    judgment = ScoreJudgment.objects.create(participant=person, option=option, criterion=criterion, value=4)
    judgment.save()
    judgment.rationale = {"en": "why"}
    judgment.save()
    judgment.value = 6
    judgment.save()
    judgment.save()
    weight = WeightJudgment.objects.create(participant=person, criterion=a, value=50)
    weight.save()
    # The same value carried into round 2 is no change either; a different one is a revision.
    ScoreJudgment.objects.create(participant=person, option=option, criterion=criterion, value=6, round=2)
    ScoreJudgment.objects.create(participant=person, option=option, criterion=b, value=1)
    ScoreJudgment.objects.filter(criterion=b).first().delete()
    entries = decision_trail(exercise, facilitator_view(exercise))
    assert all(e.previous != e.value for e in entries if e.change != "deleted")
    assert [(e.cell.split(" · ")[-1], e.previous, e.value, e.change) for e in entries] == [
        (str(b.name["en"]), 1, 1, "deleted"),
        (str(b.name["en"]), None, 1, "created"),
        (str(a.name["en"]), None, 50, "created"),
        (str(criterion.name["en"]), 4, 6, "changed"),
        (str(criterion.name["en"]), None, 4, "created"),
    ]
    assert [e.value for e in decision_trail(exercise, facilitator_view(exercise), limit=2)] == [1, 1]
