import json
import math
from pathlib import Path
from typing import Any, get_args

import pytest
from django.core.management import CommandError, call_command

from policies.casefile.canonical import canonical
from policies.casefile.schema import ExerciseItem, WeightingMethodKey, case_file_json_schema
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import (
    Case,
    Exercise,
    Option,
    PairwiseJudgment,
    ScoreJudgment,
    StateConsistency,
    WeightJudgment,
)
from policies.models.exercises import Phase, WeightingMethod
from policies.selectors.analysis_results import ahp_group_weights
from policies.selectors.exercise_arrays import exercise_arrays
from policies.services.case_import import import_case
from policies.services.judgments import AHP_SCALE, record_comparisons
from tests.factories import ParticipantFactory, ScenarioFactory, TeamFactory, make_exercise
from tests.viewers import export_all, judging

pytestmark = pytest.mark.django_db
SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"
SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.json"))


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Case, Option, Exercise, WeightJudgment, ScoreJudgment, StateConsistency)
    )


def test_import_builds_the_whole_case() -> None:
    team = TeamFactory()
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)
    assert case.team == team
    assert list(case.options.values_list("key", flat=True)) == ["north-road", "south-road", "no-road"]
    cost = case.criteria.get(key="cost")
    assert (cost.parent.key, cost.sign, cost.is_group) == ("value", -1, False)
    assert case.criteria.get(key="value").is_group
    exercise = case.exercises.get()
    assert exercise.participants.count() == 2
    assert ScoreJudgment.objects.filter(participant__exercise=exercise, scenario__isnull=False).count() == 1
    assert StateConsistency.objects.get(case=case).value == -2


def test_loading_twice_changes_nothing() -> None:
    team = TeamFactory()
    call_command("load_case", str(SMALL), team=team.slug)
    before = counts()
    call_command("load_case", str(SMALL), team=team.slug)
    assert counts() == before


def test_load_command_refuses_a_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(SMALL.read_text().replace('"source": "memo"', '"source": "nowhere"'))
    with pytest.raises(CommandError, match=r"\$\.evidence\[0\]\.source"):
        call_command("load_case", str(bad))
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_load_command_names_an_unknown_team() -> None:
    with pytest.raises(CommandError, match="No team"):
        call_command("load_case", str(SMALL), team="missing")


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('"version": 1', '"version": 7', "$.version"),
        ('"id": "south-road"', '"id": "north-road"', "$.options[1].id"),
        (
            '"criterion": "cost", "value": 6',
            '"criterion": "cost", "value": 60',
            "$.exercises[0].scores[1].value",
        ),
        ('"plausibility": 4', '"plausibility": "high"', "$.scenarios[0].plausibility"),
        ('"actors": ["ministry"]', '"actors": ["army"]', "$.options[0].actors[0]"),
        ('"title": "A memo"', '"name": "A memo"', "$.sources[0].title"),  # missing required field
        ('"kind": "report"', '"kind": "report", "color": "red"', "$.sources[0].color"),  # unknown field
        ('"date": "2012-05"', '"date": "May 2012"', "$.sources[0].date"),
        ('{"id": "memo"', '{"id": "Memo Two"', "$.sources[0].id"),
        ('"money": "rich"}', '"money": "broke"}', "$.scenarios[0].states.money"),
        ('"b": ["money", "poor"]', '"b": ["rain", "dry"]', "$.consistency[0]"),
        ('"value": -2}', '"value": -3}', "$.consistency[0].value"),
        (
            '"criterion": "benefit", "value": 60',
            '"criterion": "benefit", "value": 160',
            "$.exercises[0].weights[0].value",
        ),
        (
            '"participant": "bob", "option": "north-road", "criterion": "benefit"',
            '"participant": "eve", "option": "north-road", "criterion": "benefit"',
            "$.exercises[0].scores[6].participant",
        ),
        ('"criteria": ["benefit", "cost"]', '"criteria": ["benefit", "value"]', "$.exercises[0].criteria[1]"),
        (
            '"parent": "value", "name": {"en": "Cost"',
            '"parent": "benefit", "name": {"en": "Cost"',
            "$.criteria[2].parent",
        ),
        ('"value": 9, "confidence": 4', '"value": 9, "confidence": 9', "$.exercises[0].scores[6].confidence"),
    ],
)
def test_problems_are_reported_with_their_json_path(old: str, new: str, path: str) -> None:
    text = SMALL.read_text()
    assert old in text
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(text.replace(old, new, 1))
    assert path in [problem.path for problem in caught.value.problems]


def test_not_json_and_oversized_files_are_refused() -> None:
    with pytest.raises(CaseFileError, match="Not valid JSON"):
        parse_case_file(b"{nope")
    with pytest.raises(CaseFileError, match="larger than 5 MB"):
        parse_case_file(b" " * (5 * 1024 * 1024 + 1))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_every_seed_file_loads(path: Path) -> None:
    case = import_case(case_file=parse_case_file(path.read_bytes()), team=TeamFactory())
    assert case.options.count() >= 4
    assert case.criteria.filter(is_group=False).count() >= 5


@pytest.mark.parametrize("path", [SMALL, *SEEDS], ids=lambda p: p.name)
def test_export_of_an_import_gives_the_file_back(path: Path) -> None:
    original = json.loads(path.read_text())
    case = import_case(case_file=parse_case_file(path.read_bytes()), team=TeamFactory())
    exported = export_all(case)
    assert exported == canonical(parse_case_file(path.read_bytes()))
    if path in SEEDS:  # the shipped seeds are kept in canonical form
        assert exported == original
    # and the export is itself a valid case file that imports to the same thing
    again = import_case(case_file=parse_case_file(json.dumps(exported)), team=TeamFactory())
    assert export_all(again) == exported


def test_published_json_schema_is_current() -> None:
    """docs/case-file.schema.json is generated: run `manage.py case_schema --output docs/case-file.schema.json`."""
    published = json.loads(
        (Path(__file__).resolve().parents[2] / "docs" / "case-file.schema.json").read_text()
    )
    assert published == case_file_json_schema()


def test_a_failed_import_in_the_middle_writes_nothing(monkeypatch) -> None:
    """Import is one transaction: a database error halfway leaves no trace."""
    from policies.services import case_import

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(case_import, "_import_criteria", explode)
    with pytest.raises(RuntimeError):
        import_case(case_file=parse_case_file(SMALL.read_bytes()), team=TeamFactory())
    assert counts() == (0, 0, 0, 0, 0, 0)


# --------------------------------------------------------------------------- AHP comparisons


def ahp_exercise() -> Exercise:
    """An AHP exercise over three criteria listed in the reverse order of their primary keys, so the file's
    orientation of a pair (by list position) is the opposite of the database's (by primary key).

    Two participants compare every pair for the baseline; the first also for the one scenario in play, where
    the group weights therefore differ from the baseline's."""
    exercise = make_exercise(options=2, criteria=3)
    criteria = list(exercise.criteria.order_by("pk"))
    for position, criterion in enumerate(reversed(criteria)):
        criterion.position = position
        criterion.save(update_fields=["position"])
    exercise.scenarios.set([ScenarioFactory(case=exercise.case)])
    Exercise.objects.filter(pk=exercise.pk).update(
        weighting_method=WeightingMethod.AHP,
        weights_by_scenario=True,
        facilitated=True,
        phase=Phase.WEIGHTING,
    )
    exercise.refresh_from_db()
    a, b, c = criteria
    first, second = ParticipantFactory.create_batch(2, exercise=exercise)
    record_comparisons(
        viewer=judging(first), ratios={(a.pk, b.pk): 3, (a.pk, c.pk): 1 / 5, (b.pk, c.pk): 1 / 7}
    )
    record_comparisons(viewer=judging(second), ratios={(a.pk, b.pk): 9, (a.pk, c.pk): 1, (b.pk, c.pk): 1 / 2})
    record_comparisons(
        viewer=judging(first),
        ratios={(a.pk, b.pk): 1 / 9, (a.pk, c.pk): 1 / 8, (b.pk, c.pk): 6},
        scenario=exercise.scenarios.get().pk,
    )
    return exercise


def comparisons(exercise: Exercise) -> dict[tuple[str, str, str, str | None, int], float]:
    """Every comparison keyed by participant, the pair in key order, scenario and round: orientation-free."""
    found = {}
    for p in PairwiseJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "criterion_a", "criterion_b", "scenario"
    ):
        a, b, value = p.criterion_a.key, p.criterion_b.key, p.value
        if a > b:
            a, b, value = b, a, 1 / value
        found[(p.participant.key, a, b, p.scenario.key if p.scenario_id else None, p.round)] = value
    return found


def group_ahp(exercise: Exercise) -> dict[str, float]:
    arrays = exercise_arrays(exercise)
    weights = ahp_group_weights(arrays)
    assert weights is not None
    return {c.key: float(w) for c, w in zip(arrays.criteria, weights, strict=True)}


def scenario_ahp_weights(exercise: Exercise) -> dict[str, float]:
    arrays = exercise_arrays(exercise)
    weights = ahp_group_weights(arrays, 0)
    assert weights is not None
    return {c.key: float(w) for c, w in zip(arrays.criteria, weights, strict=True)}


def test_an_ahp_exercise_round_trips_with_its_method_and_comparisons() -> None:
    exercise = ahp_exercise()
    exported = export_all(exercise.case)
    (item,) = exported["exercises"]
    assert item["weighting_method"] == "ahp"
    assert len(item["pairwise"]) == 9
    # Canonical: each pair names first the criterion listed first, and the baseline comes before the scenario.
    listed = [c["id"] for c in exported["criteria"]]
    assert all(listed.index(p["criterion_a"]) < listed.index(p["criterion_b"]) for p in item["pairwise"])
    first = [p.get("scenario") for p in item["pairwise"] if p["participant"] == item["participants"][0]["id"]]
    assert first == [None] * 3 + [item["scenarios"][0]] * 3

    copy = import_case(case_file=parse_case_file(json.dumps(exported)), team=TeamFactory())
    copied = copy.exercises.get()
    assert copied.weighting_method == WeightingMethod.AHP
    assert comparisons(copied) == comparisons(exercise)
    assert PairwiseJudgment.history.filter(participant__exercise=copied).count() == 9
    before = group_ahp(exercise)
    after = group_ahp(copied)
    assert after == pytest.approx(before, rel=1e-12)
    assert scenario_ahp_weights(copied) == pytest.approx(scenario_ahp_weights(exercise), rel=1e-12)
    assert scenario_ahp_weights(copied) != pytest.approx(after, abs=0.01), "the scenario must differ"
    assert export_all(copy) == exported


def test_reimporting_replaces_the_file_personas_comparisons_wholesale() -> None:
    exercise = ahp_exercise()
    exported = export_all(exercise.case)
    team = TeamFactory()
    copy = import_case(case_file=parse_case_file(json.dumps(exported)), team=team)
    exported["exercises"][0]["pairwise"] = exported["exercises"][0]["pairwise"][:2]
    again = import_case(case_file=parse_case_file(json.dumps(exported)), team=team)
    assert again == copy
    assert len(comparisons(copy.exercises.get())) == 2
    assert export_all(copy) == exported


def small_ahp_file(**exercise: Any) -> dict[str, Any]:
    """The small case as an AHP exercise: Ann compares the two criteria for the baseline and for "boom"."""
    document = json.loads(SMALL.read_text())
    document["exercises"][0]["weighting_method"] = "ahp"
    document["exercises"][0]["pairwise"] = [
        {"participant": "ann", "criterion_a": "benefit", "criterion_b": "cost", "value": 3},
        {
            "participant": "ann",
            "criterion_a": "cost",
            "criterion_b": "benefit",
            "scenario": "boom",
            "value": 5,
        },
    ]
    document["exercises"][0].update(exercise)
    return document


def test_a_comparison_given_either_way_round_is_stored_and_exported_one_way() -> None:
    case = import_case(case_file=parse_case_file(json.dumps(small_ahp_file())), team=TeamFactory())
    exercise = case.exercises.get()
    assert comparisons(exercise) == {
        ("ann", "benefit", "cost", None, 1): 3,
        ("ann", "benefit", "cost", "boom", 1): 1 / 5,
    }
    assert export_all(case)["exercises"][0]["pairwise"] == [
        {"participant": "ann", "criterion_a": "benefit", "criterion_b": "cost", "value": 3.0},
        {
            "participant": "ann",
            "criterion_a": "benefit",
            "criterion_b": "cost",
            "scenario": "boom",
            "value": 0.2,
        },
    ]


BAD_COMPARISONS = [
    ({"participant": "eve"}, ".participant", "Unknown participant 'eve'."),
    ({"criterion_a": "value"}, ".criterion_a", "Criterion 'value' is not in this exercise."),
    ({"criterion_b": "speed"}, ".criterion_b", "Criterion 'speed' is not in this exercise."),
    ({"scenario": "bust"}, ".scenario", "Scenario 'bust' is not in this exercise."),
    ({"criterion_b": "benefit"}, ".criterion_b", "A criterion cannot be compared with itself."),
    ({"value": 2.5}, ".value", "2.5 is not on the scale. Use Saaty's scale: 1/9 to 9."),
    ({"value": 10}, ".value", "Input should be less than or equal to 9"),
    ({"value": 0.1}, ".value", "Input should be greater than or equal to 0.1111111111111111"),
    ({"value": 0}, ".value", "Input should be greater than or equal to 0.1111111111111111"),
    ({"value": math.nan}, ".value", "Input should be a finite number"),
    ({"value": math.inf}, ".value", "Input should be a finite number"),
    ({"value": "3"}, ".value", "Input should be a valid number"),
    ({"round": 0}, ".round", "Input should be greater than or equal to 1"),
    ({"round": 40_000}, ".round", "Rounds go up to 32767."),
    ({"colour": "red"}, ".colour", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("change", "where", "message"), BAD_COMPARISONS, ids=lambda v: str(v)[:40])
def test_a_bad_comparison_is_refused_with_its_message_and_nothing_is_written(
    change: dict[str, Any], where: str, message: str, tmp_path: Path
) -> None:
    document = small_ahp_file()
    document["exercises"][0]["pairwise"][0].update(change)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))  # NaN and Infinity as Python's json writes them
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(bad.read_bytes())
    problems = [(problem.path, problem.message) for problem in caught.value.problems]
    assert problems == [(f"$.exercises[0].pairwise[0]{where}", message)]
    with pytest.raises(CommandError):
        call_command("load_case", str(bad), team=TeamFactory().slug)
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert not PairwiseJudgment.objects.exists()


@pytest.mark.parametrize(
    "repeat",
    [
        {"participant": "ann", "criterion_a": "benefit", "criterion_b": "cost", "value": 4},
        {"participant": "ann", "criterion_a": "cost", "criterion_b": "benefit", "value": 1 / 3},
    ],
    ids=["same-order", "reversed"],
)
def test_a_second_comparison_of_the_same_pair_is_refused(repeat: dict[str, Any]) -> None:
    document = small_ahp_file()
    pairwise = document["exercises"][0]["pairwise"]
    # Another round or another participant is a different comparison (pairwise[1], for a scenario, too).
    pairwise += [{**repeat, "round": 2}, {**repeat, "participant": "bob"}, repeat]
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(document))
    assert [(problem.path, problem.message) for problem in caught.value.problems] == [
        (
            "$.exercises[0].pairwise[4]",
            "A second comparison of the same criteria for the same participant, scenario and round.",
        )
    ]
    assert not Case.objects.exists()


def test_a_bad_update_leaves_the_comparisons_already_imported(tmp_path: Path) -> None:
    team = TeamFactory()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(small_ahp_file()))
    call_command("load_case", str(good), team=team.slug)
    exercise = Exercise.objects.get()
    before = comparisons(exercise)
    document = small_ahp_file(weighting_method="direct")
    document["exercises"][0]["pairwise"][1]["value"] = 11
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"\$\.exercises\[0\]\.pairwise\[1\]\.value"):
        call_command("load_case", str(bad), team=team.slug)
    exercise.refresh_from_db()
    assert exercise.weighting_method == WeightingMethod.AHP
    assert comparisons(exercise) == before


def test_an_unknown_weighting_method_is_refused() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(small_ahp_file(weighting_method="pairwise")))
    assert [problem.path for problem in caught.value.problems] == ["$.exercises[0].weighting_method"]


def test_a_file_without_method_or_comparisons_imports_as_direct_points() -> None:
    document = json.loads(SMALL.read_text())
    assert "weighting_method" not in document["exercises"][0]
    assert "pairwise" not in document["exercises"][0]
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=TeamFactory())
    assert case.exercises.get().weighting_method == WeightingMethod.DIRECT
    assert not PairwiseJudgment.objects.exists()
    exported = export_all(case)["exercises"][0]
    assert "weighting_method" not in exported and "pairwise" not in exported  # defaults are left out


def test_the_schema_follows_the_models_choices_and_saatys_scale() -> None:
    assert set(get_args(WeightingMethodKey)) == set(WeightingMethod.values)
    assert (
        ExerciseItem.model_fields["weighting_method"].default
        == Exercise._meta.get_field("weighting_method").default
    )
    value = case_file_json_schema()["$defs"]["PairwiseItem"]["properties"]["value"]
    assert (value["minimum"], value["maximum"]) == (min(AHP_SCALE), max(AHP_SCALE))


def test_a_facilitator_who_only_commented_stays_uncounted_through_export_and_import() -> None:
    from policies.models import Comment
    from policies.selectors.exercise_arrays import counted_participants

    exercise = make_exercise(options=2, criteria=2)
    scorer = ParticipantFactory(exercise=exercise)
    ScoreJudgment.objects.create(
        participant=scorer, option=exercise.options.first(), criterion=exercise.criteria.first(), value=3
    )
    replier = ParticipantFactory(exercise=exercise, judging=False)
    Comment.objects.create(exercise=exercise, author=replier, option=exercise.options.first(), body="Thanks")
    exported = export_all(exercise.case)
    (item,) = exported["exercises"]
    flags = {p["id"]: p.get("judging", True) for p in item["participants"]}
    assert flags == {scorer.key: True, replier.key: False}
    assert "judging" not in next(p for p in item["participants"] if p["id"] == scorer.key)
    copy = import_case(case_file=parse_case_file(json.dumps(exported)), team=TeamFactory()).exercises.get()
    assert copy.participants.count() == 2
    assert list(counted_participants(copy).values_list("key", flat=True)) == [scorer.key]
    assert [p.key for p in exercise_arrays(copy).participants] == [scorer.key]
