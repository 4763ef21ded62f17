"""Write a validated case file into the database.

Objects are matched by their key, so importing the same file twice changes nothing, and re-importing an
edited file updates in place. A file's exercises carry its personas' judgments, written through the judgment
service (`replace_judgments`). People who take part in a live exercise (members, guests) are never overwritten
unless the importer asks for it explicitly (`replace_people`), and the outcome says whose judgments went.
Who may import what is settled by the caller (services.case_files for the web and the API).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from policies.casefile.schema import CaseFile, ExerciseItem, PairwiseItem
from policies.models import (
    Actor,
    Case,
    Criterion,
    CrossImpact,
    Driver,
    DriverState,
    Evidence,
    Exercise,
    ImpactJudgment,
    Option,
    PairwiseJudgment,
    Participant,
    ReferenceValue,
    Scenario,
    ScoreJudgment,
    SourceDocument,
    StateConsistency,
    Team,
    WeightJudgment,
)
from policies.services.impact_judgments import replace_impact_judgments
from policies.services.judgments import ImportedJudgments, replace_judgments
from policies.services.participants import add_persona


@dataclass
class ImportOutcome:
    """What an import did beyond writing the file's items: whose judgments it replaced."""

    case: Case | None = None
    replaced: list[str] = field(default_factory=list)
    unchanged: bool = False  # an update whose file matched the case: nothing was written


class PeopleInTheWay(Exception):
    """The file would replace the judgments of people who take part in an exercise; nothing was written."""

    def __init__(self, people: list[str]) -> None:
        super().__init__(
            _(
                "The file holds judgments for people who take part in the team's exercises (%(people)s). "
                "Importing it would replace what they judged: ask for that explicitly to go on."
            )
            % {"people": ", ".join(people)}
        )
        self.people = people


@transaction.atomic
def import_case(
    *,
    case_file: CaseFile,
    team: Team | None,
    replace_people: bool = False,
    outcome: ImportOutcome | None = None,
) -> Case:
    outcome = outcome if outcome is not None else ImportOutcome()
    header = case_file.case
    case, _ = Case.objects.update_or_create(
        team=team,
        key=header.id,
        defaults={
            "title": header.title,
            "question": header.question,
            "summary": header.summary,
            "period": header.period,
            "region": header.region,
        },
    )
    sources = {
        item.id: SourceDocument.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={
                "position": position,
                **item.model_dump(include={"title", "authors", "publisher", "date", "kind", "file", "url"}),
            },
        )[0]
        for position, item in enumerate(case_file.sources)
    }
    evidence = {
        item.id: Evidence.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={
                "position": position,
                "source": sources[item.source],
                "locator": item.locator,
                "text": item.text,
                "quote": item.quote,
            },
        )[0]
        for position, item in enumerate(case_file.evidence)
    }
    actors = {}
    for position, item in enumerate(case_file.actors):
        actor, _ = Actor.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={"position": position, "name": item.name, "kind": item.kind, "stance": item.stance},
        )
        actor.evidence.set([evidence[key] for key in item.evidence])
        actors[item.id] = actor
    states: dict[tuple[str, str], DriverState] = {}
    for position, driver_item in enumerate(case_file.drivers):
        driver, _ = Driver.objects.update_or_create(
            case=case,
            key=driver_item.id,
            defaults={"position": position, "name": driver_item.name, "description": driver_item.description},
        )
        driver.evidence.set([evidence[key] for key in driver_item.evidence])
        for state_position, state_item in enumerate(driver_item.states):
            states[(driver_item.id, state_item.id)] = DriverState.objects.update_or_create(
                driver=driver,
                key=state_item.id,
                defaults={
                    "position": state_position,
                    "name": state_item.name,
                    "description": state_item.description,
                },
            )[0]
    StateConsistency.objects.filter(case=case).delete()
    StateConsistency.objects.bulk_create(
        StateConsistency(
            case=case,
            state_a=states[item.a],
            state_b=states[item.b],
            value=item.value,
            note=item.note,
        )
        for item in case_file.consistency
    )
    CrossImpact.objects.filter(case=case).delete()
    for impact_item in case_file.cross_impacts:
        impact = CrossImpact.objects.create(
            case=case,
            source=states[impact_item.source],
            target=states[impact_item.target],
            value=impact_item.value,
            reason=impact_item.reason,
            illustrative=impact_item.illustrative,
        )
        impact.evidence.set([evidence[key] for key in impact_item.evidence])
    scenarios = {}
    for position, scenario_item in enumerate(case_file.scenarios):
        scenario, _ = Scenario.objects.update_or_create(
            case=case,
            key=scenario_item.id,
            defaults={
                "position": position,
                "name": scenario_item.name,
                "narrative": scenario_item.narrative,
                "plausibility": scenario_item.plausibility,
                "origin": scenario_item.origin,
            },
        )
        scenario.states.set([states[(driver, state)] for driver, state in scenario_item.states.items()])
        scenario.evidence.set([evidence[key] for key in scenario_item.evidence])
        scenarios[scenario_item.id] = scenario
    options = {}
    for position, option_item in enumerate(case_file.options):
        option, _ = Option.objects.update_or_create(
            case=case,
            key=option_item.id,
            defaults={
                "position": position,
                "name": option_item.name,
                "description": option_item.description,
                "instruments": option_item.instruments,
                "risks": option_item.risks,
            },
        )
        option.actors.set([actors[key] for key in option_item.actors])
        option.evidence.set([evidence[key] for key in option_item.evidence])
        options[option_item.id] = option
    criteria = _import_criteria(case, case_file, evidence)
    # The file's reference values replace the case's, like its consistency ratings.
    ReferenceValue.objects.filter(case=case).delete()
    ReferenceValue.objects.bulk_create(
        ReferenceValue(
            case=case, option=options[item.option], criterion=criteria[item.criterion], value=item.value
        )
        for item in case_file.reference_values
    )
    if team is not None:
        for exercise_item in case_file.exercises:
            _import_exercise(
                case, team, exercise_item, options, criteria, scenarios, states, replace_people, outcome
            )
    outcome.case = case
    return case


def _import_criteria(case: Case, case_file: CaseFile, evidence: dict[str, Evidence]) -> dict[str, Criterion]:
    groups = {item.parent for item in case_file.criteria if item.parent}
    criteria: dict[str, Criterion] = {}
    # Parents first, so that every child can point at a saved group.
    ordered = sorted(enumerate(case_file.criteria), key=lambda pair: pair[1].parent is not None)
    for position, item in ordered:
        scale = item.scale
        preference = item.preference
        criterion, _ = Criterion.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={
                "position": position,
                "parent": criteria[item.parent] if item.parent else None,
                "name": item.name,
                "definition": item.definition,
                "direction": item.direction or "benefit",
                "is_group": item.id in groups,
                "scale_min": scale.min if scale else 0,
                "scale_max": scale.max if scale else 10,
                "unit": scale.unit if scale else "points",
                "scale_low": scale.low if scale else {},
                "scale_high": scale.high if scale else {},
                "preference_function": preference.function if preference else "usual",
                "indifference_threshold": preference.q if preference else None,
                "preference_threshold": preference.p if preference else None,
                "gaussian_spread": preference.s if preference else None,
            },
        )
        criterion.evidence.set([evidence[key] for key in item.evidence])
        criteria[item.id] = criterion
    return criteria


def _import_exercise(
    case: Case,
    team: Team,
    item: ExerciseItem,
    options: dict[str, Option],
    criteria: dict[str, Criterion],
    scenarios: dict[str, Scenario],
    states: dict[tuple[str, str], DriverState],
    replace_people: bool,
    outcome: ImportOutcome,
) -> Exercise:
    # A file holding an exercise deleted recently brings it back (with the file's content): its identifier is
    # still taken until the purge.
    exercise, _created = Exercise.all_objects.update_or_create(
        team=team,
        case=case,
        key=item.id,
        defaults={
            "deleted": None,
            "deleted_by": None,
            "title": item.title,
            "description": item.description,
            "weights_by_scenario": item.weights_by_scenario,
            "weighting_method": item.weighting_method,
            # Stored as [source state id, target state id], as the facilitator's choice is.
            "impact_cells": sorted([states[c.source].pk, states[c.target].pk] for c in item.impact_cells),
        },
    )
    exercise.options.set([options[key] for key in item.options])
    exercise.criteria.set([criteria[key] for key in item.criteria])
    exercise.scenarios.set([scenarios[key] for key in item.scenarios])
    existing = {p.key: p for p in exercise.participants.filter(key__in=[p.id for p in item.participants])}
    people = [p for p in existing.values() if p.user_id is not None or p.is_guest]
    if people and not replace_people:
        raise PeopleInTheWay([f"{p.alias} ({item.id})" for p in people])
    participants: dict[str, Participant] = {}
    for person in item.participants:
        found = existing.get(person.id)
        if found is None:
            found = add_persona(
                exercise=exercise,
                key=person.id,
                alias=person.alias,
                profile=person.profile,
                judging=person.judging,
            )
        elif found.user_id is None and not found.is_guest:
            Participant.objects.filter(pk=found.pk).update(alias=person.alias, profile=person.profile)
        participants[person.id] = found
    outcome.replaced += [
        _("%(name)s in exercise %(exercise)s") % {"name": p.alias, "exercise": item.id} for p in people
    ]
    replace_judgments(
        exercise=exercise,
        participants=list(participants.values()),
        judgments=ImportedJudgments(
            weights=[
                WeightJudgment(
                    participant=participants[w.participant],
                    criterion=criteria[w.criterion],
                    scenario=scenarios[w.scenario] if w.scenario else None,
                    round=w.round,
                    value=w.value,
                    rationale=w.rationale,
                )
                for w in item.weights
            ],
            scores=[
                ScoreJudgment(
                    participant=participants[s.participant],
                    option=options[s.option],
                    criterion=criteria[s.criterion],
                    scenario=scenarios[s.scenario] if s.scenario else None,
                    round=s.round,
                    value=s.value,
                    rationale=s.rationale,
                    confidence=s.confidence,
                )
                for s in item.scores
            ],
            pairwise=[
                _pairwise(
                    p, participants[p.participant], criteria, scenarios[p.scenario] if p.scenario else None
                )
                for p in item.pairwise
            ],
        ),
    )
    replace_impact_judgments(
        exercise=exercise,
        participants=list(participants.values()),
        judgments=[
            ImpactJudgment(
                participant=participants[i.participant],
                source=states[i.source],
                target=states[i.target],
                round=i.round,
                value=i.value,
            )
            for i in item.impacts
        ],
    )
    return exercise


def _pairwise(
    item: PairwiseItem,
    participant: Participant,
    criteria: dict[str, Criterion],
    scenario: Scenario | None,
) -> PairwiseJudgment:
    """The database keeps one orientation per pair (criterion_a has the lower primary key), a file either."""
    a, b, value = criteria[item.criterion_a], criteria[item.criterion_b], item.value
    if a.pk > b.pk:
        a, b, value = b, a, 1 / value
    return PairwiseJudgment(
        participant=participant,
        criterion_a=a,
        criterion_b=b,
        scenario=scenario,
        round=item.round,
        value=value,
    )
