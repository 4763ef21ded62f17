import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policies.casefile.canonical import canonical
from policies.casefile.schema import case_file_json_schema
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Case, Exercise, Option, ScoreJudgment, StateConsistency, WeightJudgment
from policies.selectors.case_export import export_case
from policies.services.case_import import import_case
from tests.factories import TeamFactory

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
    exported = export_case(case)
    assert exported == canonical(parse_case_file(path.read_bytes()))
    if path in SEEDS:  # the shipped seeds are kept in canonical form
        assert exported == original
    # and the export is itself a valid case file that imports to the same thing
    again = import_case(case_file=parse_case_file(json.dumps(exported)), team=TeamFactory())
    assert export_case(again) == exported


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
