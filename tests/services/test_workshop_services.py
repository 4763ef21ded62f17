"""Workshop services and selectors: weighting methods, consensus, versioned writes, decision trail."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from policies import analysis
from policies.casefile.validation import parse_case_file
from policies.models import Exercise, PairwiseJudgment, Participant, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from policies.selectors.ahp import ahp_status
from policies.selectors.analysis_results import ahp_group_weights, analysis_results
from policies.selectors.decision_trail import decision_trail
from policies.selectors.exercise_arrays import exercise_arrays
from policies.services import workshop as services
from policies.services.case_import import import_case
from policies.services.judgments import (
    ScoreEntry,
    record_comparisons,
    record_points,
    record_ranking,
    record_score,
)
from policies.services.participants import join_as_guest
from tests.factories import ParticipantFactory, TeamFactory, make_exercise
from tests.viewers import facilitator_view, judging

pytestmark = pytest.mark.django_db


def facilitated(phase: str = Phase.WEIGHTING, **fields) -> Exercise:
    exercise = make_exercise(options=3, criteria=3)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, blind=True, phase=phase, **fields)
    exercise.refresh_from_db()
    return exercise


def criteria_of(exercise: Exercise):
    return list(exercise.criteria.order_by("position", "pk"))


def score(person: Participant, option, criterion, value: float, scenario=None) -> None:
    record_score(
        viewer=judging(person),
        entry=ScoreEntry(option.pk, criterion.pk, value, None if scenario is None else scenario.pk),
    )


def test_rank_order_gives_roc_weights() -> None:
    exercise = facilitated(weighting_method="rank")
    person = judging(ParticipantFactory(exercise=exercise))
    a, b, c = criteria_of(exercise)
    record_ranking(viewer=person, ranks={a.pk: 2, b.pk: 1, c.pk: 3})
    stored = dict(WeightJudgment.objects.values_list("criterion_id", "value"))
    roc = analysis.roc_weights(3) * 100
    assert stored[b.pk] == pytest.approx(roc[0], abs=1e-3) and stored[a.pk] == pytest.approx(roc[1], abs=1e-3)
    with pytest.raises(ValidationError, match="each rank once"):
        record_ranking(viewer=person, ranks={a.pk: 1, b.pk: 1, c.pk: 3})
    assert WeightJudgment.objects.count() == 3


def test_swing_needs_a_top_swing_of_100_and_direct_points_must_sum_to_100() -> None:
    exercise = facilitated(weighting_method="swing")
    person = judging(ParticipantFactory(exercise=exercise))
    a, b, c = criteria_of(exercise)
    with pytest.raises(ValidationError, match="most 100"):
        record_points(viewer=person, points={a.pk: 80, b.pk: 40, c.pk: 10})
    record_points(viewer=person, points={a.pk: 100, b.pk: 50, c.pk: 10})
    assert sorted(WeightJudgment.objects.values_list("value", flat=True)) == [10, 50, 100]
    Exercise.objects.filter(pk=exercise.pk).update(weighting_method="direct")
    exercise.refresh_from_db()
    person = judging(Participant.objects.get(pk=person.participant.pk))
    with pytest.raises(ValidationError, match="add up to 120"):
        record_points(viewer=person, points={a.pk: 60, b.pk: 50, c.pk: 10})
    with pytest.raises(ValidationError, match="every criterion"):
        record_points(viewer=person, points={a.pk: 100})


def test_each_weighting_method_takes_only_its_own_kind_of_weights() -> None:
    """The one service reads the exercise's method: points into an AHP exercise are refused, and so on."""
    for method, refused in (
        ("ahp", lambda v, a, b, c: record_points(viewer=v, points={a.pk: 50}, complete=False)),
        ("ahp", lambda v, a, b, c: record_ranking(viewer=v, ranks={a.pk: 1, b.pk: 2, c.pk: 3})),
        ("direct", lambda v, a, b, c: record_comparisons(viewer=v, ratios={(a.pk, b.pk): 3.0})),
        ("rank", lambda v, a, b, c: record_points(viewer=v, points={a.pk: 50}, complete=False)),
        ("swing", lambda v, a, b, c: record_ranking(viewer=v, ranks={a.pk: 1, b.pk: 2, c.pk: 3})),
    ):
        exercise = facilitated(weighting_method=method)
        person = judging(ParticipantFactory(exercise=exercise))
        with pytest.raises(ValidationError, match="This exercise weighs criteria by") as refusal:
            refused(person, *criteria_of(exercise))
        assert refusal.value.code == "method"
        assert not WeightJudgment.objects.filter(participant=person.participant).exists()
        assert not PairwiseJudgment.objects.filter(participant=person.participant).exists()


def test_ahp_consistency_ratio_and_most_inconsistent_comparison() -> None:
    exercise = facilitated(weighting_method="ahp")
    person = judging(ParticipantFactory(exercise=exercise))
    participant = person.participant
    a, b, c = criteria_of(exercise)
    record_comparisons(viewer=person, ratios={(a.pk, b.pk): 3})
    assert not ahp_status(participant, [a, b, c], round=1).complete
    assert not WeightJudgment.objects.exists()
    # a > b (3), b > c (3) but c > a (5): badly inconsistent.
    record_comparisons(viewer=person, ratios={(b.pk, c.pk): 3, (a.pk, c.pk): 1 / 5})
    status = ahp_status(participant, [a, b, c], round=1)
    assert status.complete and status.cr is not None and status.cr > 0.1 and not status.acceptable
    assert status.inconsistent, "the worst comparisons are listed"
    assert WeightJudgment.objects.filter(participant=participant).count() == 3
    # Reversed order is stored in canonical orientation.
    assert PairwiseJudgment.objects.get(criterion_a=a, criterion_b=c).value == pytest.approx(1 / 5)
    record_comparisons(viewer=person, ratios={(c.pk, a.pk): 1 / 9})
    assert PairwiseJudgment.objects.get(criterion_a=a, criterion_b=c).value == pytest.approx(9)
    with pytest.raises(ValidationError, match="Saaty"):
        record_comparisons(viewer=person, ratios={(a.pk, b.pk): 11})
    # Group AHP weights: geometric mean of the complete matrices.
    other = judging(ParticipantFactory(exercise=exercise))
    record_comparisons(viewer=other, ratios={(a.pk, b.pk): 1, (b.pk, c.pk): 1, (a.pk, c.pk): 1})
    group = ahp_group_weights(exercise_arrays(exercise))
    assert group is not None and sum(group) == pytest.approx(1)


def test_weights_are_refused_outside_the_weighting_phases() -> None:
    exercise = facilitated(phase=Phase.REVEAL)
    person = judging(ParticipantFactory(exercise=exercise))
    a, b, c = criteria_of(exercise)
    with pytest.raises(ValidationError, match="Reveal"):
        record_points(viewer=person, points={a.pk: 100, b.pk: 0, c.pk: 0})
    assert not WeightJudgment.objects.exists()


def test_consensus_per_cell_and_kendall_w() -> None:
    exercise = facilitated(phase=Phase.SCORING, consensus_threshold=1.0)
    options = list(exercise.options.order_by("position"))
    crits = criteria_of(exercise)
    people = ParticipantFactory.create_batch(3, exercise=exercise)
    # Everybody ranks the options the same way: W = 1.
    for k, person in enumerate(people):
        for i, option in enumerate(options):
            for criterion in crits:
                score(person, option, criterion, i * 3 + k * 0.2)

    def consensus():
        return analysis_results(exercise, visibility=facilitator_view(exercise)).consensus

    result = consensus()
    assert result.kendall_w == pytest.approx(1.0)
    assert result.reached and result.agreed_count == result.judged == 9
    # One participant disagrees strongly on one cell: it is the top hotspot.
    score(people[0], options[0], crits[0], 10)
    score(people[1], options[0], crits[0], 0)
    result = consensus()
    assert not result.reached
    assert result.disputed[0] == (0, 0)
    assert result.kendall_w is not None and result.kendall_w < 1


def test_scenario_scores_start_from_the_baseline() -> None:
    from tests.factories import ScenarioFactory

    exercise = facilitated(phase=Phase.SCORING)
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    person = ParticipantFactory(exercise=exercise)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    score(person, option, criterion, 4)
    score(person, option, criterion, 7, scenario)
    assert ScoreJudgment.objects.get(scenario=scenario).value == 7
    assert ScoreJudgment.objects.get(scenario=None).value == 4
    outsider = ScenarioFactory(case=exercise.case)
    with pytest.raises(ValidationError, match="not part of the exercise"):
        score(person, option, criterion, 7, outsider)


def test_two_facilitators_editing_settings_conflict_instead_of_overwriting() -> None:
    exercise = facilitated()
    first = Exercise.objects.get(pk=exercise.pk)
    second = Exercise.objects.get(pk=exercise.pk)
    version = first.version
    services.update_settings(exercise=first, expected_version=version, settings={"max_rounds": 5})
    with pytest.raises(services.VersionConflict):
        services.update_settings(exercise=second, expected_version=version, settings={"max_rounds": 2})
    exercise.refresh_from_db()
    assert exercise.max_rounds == 5 and exercise.version == version + 1
    with pytest.raises(services.VersionConflict):
        services.set_phase(exercise=second, phase=Phase.SCORING, expected_version=version)
    assert Exercise.objects.get(pk=exercise.pk).phase == Phase.WEIGHTING


def test_anonymous_stays_anonymous_and_round_limit_holds() -> None:
    exercise = facilitated(anonymity="anonymous", max_rounds=1)
    with pytest.raises(ValidationError, match="stays anonymous"):
        services.update_settings(
            exercise=exercise, expected_version=exercise.version, settings={"anonymity": "named"}
        )
    with pytest.raises(ValidationError, match="limited to 1 rounds"):
        services.next_round(exercise=exercise, expected_version=exercise.version)
    assert Exercise.objects.get(pk=exercise.pk).current_round == 1


def test_every_judgment_change_is_in_the_trail_newest_first_with_revisions_across_rounds() -> None:
    exercise = facilitated(phase=Phase.SCORING)
    person = ParticipantFactory(exercise=exercise, alias="Ana")
    option, criterion = exercise.options.first(), exercise.criteria.first()
    score(person, option, criterion, 3)
    score(person, option, criterion, 8)
    Exercise.objects.filter(pk=exercise.pk).update(current_round=2)
    person.exercise.refresh_from_db()
    score(person, option, criterion, 6)
    entries = decision_trail(exercise, facilitator_view(exercise))
    # The round-2 value revises round 1's 8; it is not a score created from nothing.
    assert [(e.round, e.value, e.previous, e.previous_round) for e in entries] == [
        (2, 6, 8, 1),
        (1, 8, 3, 1),
        (1, 3, None, None),
    ]
    assert [e.change for e in entries] == ["revised", "changed", "created"]
    assert {e.who for e in entries} == {"Ana"}
    assert ScoreJudgment.history.filter(participant_id=person.pk).count() == 3


def test_the_trail_keeps_the_newest_changes_when_it_is_cut() -> None:
    exercise = facilitated(phase=Phase.SCORING)
    person = ParticipantFactory(exercise=exercise)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    for value in range(1, 8):
        score(person, option, criterion, value)
    entries = decision_trail(exercise, facilitator_view(exercise), limit=3)
    assert [e.value for e in entries] == [7, 6, 5]


def test_case_import_records_history_of_judgments() -> None:
    case = import_case(
        case_file=parse_case_file(Path("seeds/mali-2012.json").read_bytes()), team=TeamFactory()
    )
    assert ScoreJudgment.objects.filter(participant__exercise__case=case).exists()
    # Counted within this case: history rows of other tests' deleted judgments may share the table.
    people = list(Participant.objects.filter(exercise__case=case).values_list("pk", flat=True))
    assert (
        ScoreJudgment.history.filter(participant_id__in=people).count()
        == ScoreJudgment.objects.filter(participant_id__in=people).count()
    )
    assert (
        WeightJudgment.history.filter(participant_id__in=people).count()
        == WeightJudgment.objects.filter(participant_id__in=people).count()
    )
    exercise = case.exercises.first()
    assert not exercise.facilitated and not exercise.blind and exercise.phase == Phase.SCORING


def test_guest_join_stores_no_name_in_anonymous_mode() -> None:
    exercise = facilitated(anonymity="anonymous")
    person = join_as_guest(exercise=exercise, display_name="Secret Name")
    assert person.alias == "Participant 1" and person.number == 1
    assert not Participant.objects.filter(alias__contains="Secret").exists()


def test_switching_to_anonymous_replaces_stored_names() -> None:
    exercise = facilitated()
    person = join_as_guest(exercise=exercise, display_name="Real Name")
    assert person.alias == "Real Name"
    services.update_settings(
        exercise=exercise, expected_version=exercise.version, settings={"anonymity": "anonymous"}
    )
    person.refresh_from_db()
    assert person.alias == "Participant 1"


def test_numbers_follow_the_joining_order() -> None:
    exercise = facilitated()
    first = join_as_guest(exercise=exercise, display_name="A")
    second = join_as_guest(exercise=exercise, display_name="B")
    first.delete()
    third = join_as_guest(exercise=exercise, display_name="C")
    assert (second.number, third.number) == (2, 3)
