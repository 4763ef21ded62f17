"""Updating a team's case from a case file, safely: first what would change, then, once confirmed, the change.

Re-importing a file whose case id the team already has is an update of that case. `preview_update` compares the
file with the case as it stands (both in the canonical form of policies.casefile.canonical) and lists every
item added, changed or removed, and every judgment that would go: judgments given on a removed option,
criterion or scenario, judgments that would stop counting because the file takes an item out of an exercise,
and judgments of the file's personas that the file no longer holds. Nothing is written by a preview.

A file that matches the case changes nothing (`CaseUpdate.unchanged`), not even its history. A confirmed update
(`apply_update`) is refused if the case changed since its preview, compared by the preview's fingerprint.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.casefile.canonical import canonical
from policies.casefile.schema import CaseFile
from policies.models import (
    Case,
    Criterion,
    Exercise,
    Option,
    PairwiseJudgment,
    Scenario,
    ScoreJudgment,
    WeightJudgment,
)
from policies.models.fields import localize
from policies.selectors.case_export import export_case
from policies.selectors.visibility import visibility_for
from policies.services.case_import import ImportOutcome, import_case

# The lists of a case file that hold items, in the file's order.
ITEM_LISTS = ("sources", "evidence", "actors", "drivers", "scenarios", "options", "criteria")


class StalePreview(Exception):
    """The case changed between the preview and its confirmation; nothing was written."""


@dataclass(frozen=True)
class ItemChanges:
    """One list of the case: the items the update adds, changes and removes, by name (and id)."""

    kind: str
    label: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CaseUpdate:
    """What importing a file over an existing case would do."""

    case: Case
    header_changed: bool
    items: list[ItemChanges]  # only the lists that change
    exercises: ItemChanges | None  # exercises are added or changed, never removed by a file
    judgments_lost: list[str]  # one sentence per exercise and reason
    judgments_lost_count: int
    fingerprint: str

    @property
    def unchanged(self) -> bool:
        return not (self.header_changed or self.items or self.exercises or self.judgments_lost_count)


def existing_case(case_file: CaseFile, team_id: int) -> Case | None:
    """The team's case the file would update: the one with the file's case id."""
    return Case.objects.filter(team_id=team_id, key=case_file.case.id).first()


def _current(case: Case, exercise_keys: Iterable[str]) -> dict[str, Any]:
    """The case as a canonical document, with the exercises the file names as a facilitator sees them."""
    keys = set(exercise_keys)
    views = {
        e.pk: visibility_for(e, facilitator=True)
        for e in Exercise.objects.filter(case=case, team=case.team_id, key__in=keys)
    }
    return export_case(case, exercises=views)


def _name(item: dict[str, Any]) -> str:
    text = localize(item.get("name") or item.get("title") or item.get("text") or "")
    key = str(item.get("id", ""))
    return f"{text} ({key})" if text and text != key else key


def _compare(kind: str, label: str, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> ItemChanges:
    old = {item["id"]: item for item in before}
    new = {item["id"]: item for item in after}
    return ItemChanges(
        kind,
        label,
        added=[_name(item) for key, item in new.items() if key not in old],
        changed=[_name(item) for key, item in new.items() if key in old and old[key] != item],
        removed=[_name(item) for key, item in old.items() if key not in new],
    )


def _labels() -> dict[str, str]:
    return {
        "sources": _("Sources"),
        "evidence": _("Evidence"),
        "actors": _("Actors"),
        "drivers": _("Drivers and their states"),
        "scenarios": _("Scenarios"),
        "options": _("Options"),
        "criteria": _("Criteria"),
        "exercises": _("Exercises"),
    }


def preview_update(case_file: CaseFile, case: Case) -> CaseUpdate:
    """Every change importing `case_file` over `case` would make; writes nothing."""
    after = canonical(case_file)
    file_exercises = after.get("exercises", [])
    before = _current(case, (e["id"] for e in file_exercises))
    labels = _labels()
    items = [
        changes
        for kind in ITEM_LISTS
        if (changes := _compare(kind, labels[kind], before.get(kind, []), after.get(kind, [])))
        and (changes.added or changes.changed or changes.removed)
    ]
    compared = _compare("exercises", labels["exercises"], before.get("exercises", []), file_exercises)
    exercises = (
        ItemChanges("exercises", labels["exercises"], added=compared.added, changed=compared.changed)
        if compared.added or compared.changed
        else None
    )
    # The case's own tables (consistency ratings, reference values) have no ids: any difference counts here.
    header_changed = before.get("case") != after.get("case") or any(
        before.get(table, []) != after.get(table, []) for table in ("consistency", "reference_values")
    )
    lost, count = _judgments_lost(case, case_file, before, after)
    digest = hashlib.sha256(
        json.dumps([before, after], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return CaseUpdate(case, header_changed, items, exercises, lost, count, digest)


def _judgments_lost(
    case: Case, case_file: CaseFile, before: dict[str, Any], after: dict[str, Any]
) -> tuple[list[str], int]:
    """Sentences on the judgments the update would delete or stop counting, and how many they are."""

    def missing(kind: str) -> set[str]:
        return {item["id"] for item in before.get(kind, [])} - {item["id"] for item in after.get(kind, [])}

    options, criteria, scenarios = missing("options"), missing("criteria"), missing("scenarios")
    removed = (
        Q(option__key__in=options) | Q(criterion__key__in=criteria) | Q(scenario__key__in=scenarios),
        Q(criterion__key__in=criteria) | Q(scenario__key__in=scenarios),
        Q(criterion_a__key__in=criteria) | Q(criterion_b__key__in=criteria) | Q(scenario__key__in=scenarios),
    )
    sentences: list[str] = []
    total = 0
    file_exercises = {e.id: e for e in case_file.exercises}
    for exercise in Exercise.objects.filter(case=case).order_by("pk"):
        title = localize(exercise.title) or exercise.key
        scores = ScoreJudgment.objects.filter(participant__exercise=exercise)
        weights = WeightJudgment.objects.filter(participant__exercise=exercise)
        pairwise = PairwiseJudgment.objects.filter(participant__exercise=exercise)
        gone = scores.filter(removed[0]).count() + weights.filter(removed[1]).count()
        gone += pairwise.filter(removed[2]).count()
        if gone:
            total += gone
            sentences.append(
                ngettext(
                    "%(count)s judgment in “%(exercise)s” was given on an item the file removes, and is deleted "
                    "with it.",
                    "%(count)s judgments in “%(exercise)s” were given on items the file removes, and are deleted "
                    "with them.",
                    gone,
                )
                % {"count": gone, "exercise": title}
            )
        item = file_exercises.get(exercise.key) if exercise.team_id == case.team_id else None
        if item is None:
            continue
        out_of_play = _out_of_play(exercise, item.options, item.criteria, item.scenarios)
        dropped = (
            scores.filter(out_of_play[0]).exclude(removed[0]).count()
            + weights.filter(out_of_play[1]).exclude(removed[1]).count()
            + pairwise.filter(out_of_play[2]).exclude(removed[2]).count()
        )
        if dropped:
            total += dropped
            sentences.append(
                ngettext(
                    "%(count)s judgment in “%(exercise)s” is on an item the file takes out of the exercise: it "
                    "would no longer count.",
                    "%(count)s judgments in “%(exercise)s” are on items the file takes out of the exercise: they "
                    "would no longer count.",
                    dropped,
                )
                % {"count": dropped, "exercise": title}
            )
        replaced = _persona_judgments_not_in_file(exercise, item, removed, out_of_play)
        if replaced:
            total += replaced
            sentences.append(
                ngettext(
                    "%(count)s judgment of the file's personas in “%(exercise)s” is not in the file and would go.",
                    "%(count)s judgments of the file's personas in “%(exercise)s” are not in the file and would "
                    "go.",
                    replaced,
                )
                % {"count": replaced, "exercise": title}
            )
    return sentences, total


def _out_of_play(
    exercise: Exercise, options: list[str], criteria: list[str], scenarios: list[str]
) -> tuple[Q, Q, Q]:
    """Filters for an exercise's judgments on the options, criteria and scenarios the file leaves out of it."""
    leaving_options = set(exercise.options.values_list("key", flat=True)) - set(options)
    leaving_criteria = set(exercise.criteria.values_list("key", flat=True)) - set(criteria)
    leaving_scenarios = set(exercise.scenarios.values_list("key", flat=True)) - set(scenarios)
    by_scenario = Q(scenario__key__in=leaving_scenarios)
    return (
        Q(option__key__in=leaving_options) | Q(criterion__key__in=leaving_criteria) | by_scenario,
        Q(criterion__key__in=leaving_criteria) | by_scenario,
        Q(criterion_a__key__in=leaving_criteria) | Q(criterion_b__key__in=leaving_criteria) | by_scenario,
    )


def _persona_judgments_not_in_file(
    exercise: Exercise, item: Any, removed: tuple[Q, Q, Q], out_of_play: tuple[Q, Q, Q]
) -> int:
    """Judgments of the personas the file names that the file does not give again (import replaces a persona's
    judgments wholesale). Those already counted as removed or out of play are not counted twice."""
    personas = {p.id for p in item.participants}
    people = exercise.participants.filter(key__in=personas, user__isnull=True, is_guest=False)
    keys = {p.pk: p.key for p in people}
    if not keys:
        return 0
    scores_in_file = {(s.participant, s.option, s.criterion, s.scenario, s.round) for s in item.scores}
    weights_in_file = {(w.participant, w.criterion, w.scenario, w.round) for w in item.weights}
    pairs_in_file = {
        (p.participant, frozenset((p.criterion_a, p.criterion_b)), p.scenario, p.round) for p in item.pairwise
    }
    count = 0
    for participant, option, criterion, scenario, round_ in (
        ScoreJudgment.objects.filter(participant__in=keys)
        .exclude(removed[0])
        .exclude(out_of_play[0])
        .values_list("participant_id", "option__key", "criterion__key", "scenario__key", "round")
    ):
        count += (keys[participant], option, criterion, scenario, round_) not in scores_in_file
    for participant, criterion, scenario, round_ in (
        WeightJudgment.objects.filter(participant__in=keys)
        .exclude(removed[1])
        .exclude(out_of_play[1])
        .values_list("participant_id", "criterion__key", "scenario__key", "round")
    ):
        count += (keys[participant], criterion, scenario, round_) not in weights_in_file
    for participant, a, b, scenario, round_ in (
        PairwiseJudgment.objects.filter(participant__in=keys)
        .exclude(removed[2])
        .exclude(out_of_play[2])
        .values_list("participant_id", "criterion_a__key", "criterion_b__key", "scenario__key", "round")
    ):
        count += (keys[participant], frozenset((a, b)), scenario, round_) not in pairs_in_file
    return count


@transaction.atomic
def apply_update(
    *, case_file: CaseFile, case: Case, fingerprint: str, replace_people: bool = False
) -> ImportOutcome:
    """Make `case` what the file says, as previewed: items the file no longer holds are deleted (with the
    judgments given on them). Raises StalePreview when the case changed since the preview (nothing written)."""
    preview = preview_update(case_file, case)
    if preview.fingerprint != fingerprint:
        raise StalePreview(
            _("The case changed since the preview: check the changes again before confirming.")
        )
    outcome = ImportOutcome(case=case, unchanged=preview.unchanged)
    if preview.unchanged:
        return outcome
    import_case(case_file=case_file, team=case.team, replace_people=replace_people, outcome=outcome)
    _remove_missing(case, case_file)
    return outcome


def _remove_missing(case: Case, case_file: CaseFile) -> None:
    """Delete the case's items the file does not hold; evidence before its sources (which protect it), driver
    states the file drops from a kept driver, criteria groups after their members."""
    keep = {name: [item.id for item in getattr(case_file, name)] for name in ITEM_LISTS}
    for item in case.evidence.exclude(key__in=keep["evidence"]):
        item.delete()
    for name in ("sources", "actors", "drivers"):
        for item in getattr(case, name).exclude(key__in=keep[name]):
            item.delete()
    for driver_item in case_file.drivers:
        driver = case.drivers.get(key=driver_item.id)
        for state in driver.states.exclude(key__in=[s.id for s in driver_item.states]):
            state.delete()
    for model, keys in ((Scenario, keep["scenarios"]), (Option, keep["options"])):
        for row in model.objects.filter(case=case).exclude(key__in=keys):
            row.delete()
    leaving = Criterion.objects.filter(case=case).exclude(key__in=keep["criteria"])
    for criterion in sorted(leaving, key=lambda c: c.parent_id is None):
        criterion.delete()
