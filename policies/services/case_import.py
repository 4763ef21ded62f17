"""Write a validated case file into the database.

Objects are matched by their key, so importing the same file twice changes nothing, and re-importing an
edited file updates in place without touching the judgments of live exercises.
"""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from policies.casefile.schema import CaseFile, ExerciseItem, PairwiseItem
from policies.models import (
    Actor,
    Case,
    Criterion,
    Driver,
    DriverState,
    Evidence,
    Exercise,
    Option,
    PairwiseJudgment,
    Participant,
    Scenario,
    ScoreJudgment,
    SourceDocument,
    StateConsistency,
    Team,
    WeightJudgment,
)


@transaction.atomic
def import_case(*, case_file: CaseFile, team: Team | None) -> Case:
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
    for position, item in enumerate(case_file.drivers):
        driver, _ = Driver.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={"position": position, "name": item.name, "description": item.description},
        )
        driver.evidence.set([evidence[key] for key in item.evidence])
        for state_position, state_item in enumerate(item.states):
            states[(item.id, state_item.id)] = DriverState.objects.update_or_create(
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
            state_a=states[tuple(item.a)],
            state_b=states[tuple(item.b)],
            value=item.value,
            note=item.note,
        )
        for item in case_file.consistency
    )
    scenarios = {}
    for position, item in enumerate(case_file.scenarios):
        scenario, _ = Scenario.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={
                "position": position,
                "name": item.name,
                "narrative": item.narrative,
                "plausibility": item.plausibility,
            },
        )
        scenario.states.set([states[(driver, state)] for driver, state in item.states.items()])
        scenario.evidence.set([evidence[key] for key in item.evidence])
        scenarios[item.id] = scenario
    options = {}
    for position, item in enumerate(case_file.options):
        option, _ = Option.objects.update_or_create(
            case=case,
            key=item.id,
            defaults={
                "position": position,
                "name": item.name,
                "description": item.description,
                "instruments": item.instruments,
                "risks": item.risks,
            },
        )
        option.actors.set([actors[key] for key in item.actors])
        option.evidence.set([evidence[key] for key in item.evidence])
        options[item.id] = option
    criteria = _import_criteria(case, case_file, evidence)
    if team is not None:
        for item in case_file.exercises:
            _import_exercise(case, team, item, options, criteria, scenarios)
    return case


def _import_criteria(case: Case, case_file: CaseFile, evidence: dict[str, Evidence]) -> dict[str, Criterion]:
    groups = {item.parent for item in case_file.criteria if item.parent}
    criteria: dict[str, Criterion] = {}
    # Parents first, so that every child can point at a saved group.
    ordered = sorted(enumerate(case_file.criteria), key=lambda pair: pair[1].parent is not None)
    for position, item in ordered:
        scale = item.scale
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
) -> Exercise:
    exercise, _ = Exercise.objects.update_or_create(
        team=team,
        case=case,
        key=item.id,
        defaults={
            "title": item.title,
            "description": item.description,
            "weights_by_scenario": item.weights_by_scenario,
            "weighting_method": item.weighting_method,
        },
    )
    exercise.options.set([options[key] for key in item.options])
    exercise.criteria.set([criteria[key] for key in item.criteria])
    exercise.scenarios.set([scenarios[key] for key in item.scenarios])
    participants = {
        p.id: Participant.objects.update_or_create(
            exercise=exercise, key=p.id, defaults={"alias": p.alias, "profile": p.profile}
        )[0]
        for p in item.participants
    }
    # Judgments of the file's personas are replaced wholesale: they are data of the file, not of live users.
    WeightJudgment.objects.filter(participant__in=participants.values()).delete()
    ScoreJudgment.objects.filter(participant__in=participants.values()).delete()
    PairwiseJudgment.objects.filter(participant__in=participants.values()).delete()
    bulk_create_with_history(
        [
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
        WeightJudgment,
    )
    bulk_create_with_history(
        [
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
        ScoreJudgment,
    )
    bulk_create_with_history(
        [
            _pairwise(p, participants[p.participant], criteria, scenarios[p.scenario] if p.scenario else None)
            for p in item.pairwise
        ],
        PairwiseJudgment,
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
