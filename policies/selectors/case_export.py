"""Read a case (and its team's exercises) back into the case-file format."""

import json
from typing import Any

from policies.casefile.canonical import canonical
from policies.casefile.schema import FORMAT_NAME, FORMAT_VERSION, CaseFile
from policies.models import Case, Exercise


def _keys(queryset: Any) -> list[str]:
    return [item.key for item in queryset]


def _scale(criterion: Any) -> dict[str, Any]:
    return {
        "min": criterion.scale_min,
        "max": criterion.scale_max,
        "unit": criterion.unit,
        "low": criterion.scale_low,
        "high": criterion.scale_high,
    }


def _exercise(exercise: Exercise) -> dict[str, Any]:
    participants = list(exercise.participants.order_by("pk"))
    return {
        "id": exercise.key,
        "title": exercise.title,
        "description": exercise.description,
        "options": _keys(exercise.options.all()),
        "criteria": _keys(exercise.criteria.all()),
        "scenarios": _keys(exercise.scenarios.all()),
        "weights_by_scenario": exercise.weights_by_scenario,
        "weighting_method": exercise.weighting_method,
        "participants": [{"id": p.key, "alias": p.alias, "profile": p.profile} for p in participants],
        "weights": [
            {
                "participant": w.participant.key,
                "criterion": w.criterion.key,
                "scenario": w.scenario.key if w.scenario_id else None,
                "value": w.value,
                "round": w.round,
                "rationale": w.rationale,
            }
            for w in exercise_weights(exercise)
        ],
        "scores": [
            {
                "participant": s.participant.key,
                "option": s.option.key,
                "criterion": s.criterion.key,
                "scenario": s.scenario.key if s.scenario_id else None,
                "value": s.value,
                "round": s.round,
                "rationale": s.rationale,
                "confidence": s.confidence,
            }
            for s in exercise_scores(exercise)
        ],
        "pairwise": [
            {
                "participant": p.participant.key,
                "criterion_a": p.criterion_a.key,
                "criterion_b": p.criterion_b.key,
                "scenario": p.scenario.key if p.scenario_id else None,
                "value": p.value,
                "round": p.round,
            }
            for p in exercise_pairwise(exercise)
        ],
    }


def exercise_weights(exercise: Exercise) -> Any:
    from policies.models import WeightJudgment

    return WeightJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "criterion", "scenario"
    )


def exercise_scores(exercise: Exercise) -> Any:
    from policies.models import ScoreJudgment

    return ScoreJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "option", "criterion", "scenario"
    )


def exercise_pairwise(exercise: Exercise) -> Any:
    from policies.models import PairwiseJudgment

    return PairwiseJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "criterion_a", "criterion_b", "scenario"
    )


def export_case(case: Case, *, with_exercises: bool = True) -> dict[str, Any]:
    """The case as a canonical case-file document (a dict ready for json.dumps)."""
    groups = set(case.criteria.filter(children__isnull=False).values_list("pk", flat=True))
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "case": {
            "id": case.key,
            "title": case.title,
            "question": case.question,
            "summary": case.summary,
            "period": case.period,
            "region": case.region,
        },
        "sources": [
            {
                "id": s.key,
                "title": s.title,
                "authors": s.authors,
                "publisher": s.publisher,
                "date": s.date,
                "kind": s.kind,
                "file": s.file,
                "url": s.url,
            }
            for s in case.sources.all()
        ],
        "evidence": [
            {"id": e.key, "source": e.source.key, "locator": e.locator, "text": e.text, "quote": e.quote}
            for e in case.evidence.select_related("source")
        ],
        "actors": [
            {
                "id": a.key,
                "name": a.name,
                "kind": a.kind,
                "stance": a.stance,
                "evidence": _keys(a.evidence.all()),
            }
            for a in case.actors.prefetch_related("evidence")
        ],
        "drivers": [
            {
                "id": d.key,
                "name": d.name,
                "description": d.description,
                "evidence": _keys(d.evidence.all()),
                "states": [
                    {"id": s.key, "name": s.name, "description": s.description} for s in d.states.all()
                ],
            }
            for d in case.drivers.prefetch_related("evidence", "states")
        ],
        "consistency": [
            {
                "a": [c.state_a.driver.key, c.state_a.key],
                "b": [c.state_b.driver.key, c.state_b.key],
                "value": c.value,
                "note": c.note,
            }
            for c in case.consistencies.select_related("state_a__driver", "state_b__driver").order_by("pk")
        ],
        "scenarios": [
            {
                "id": s.key,
                "name": s.name,
                "narrative": s.narrative,
                "plausibility": s.plausibility,
                "states": {state.driver.key: state.key for state in s.states.select_related("driver")},
                "evidence": _keys(s.evidence.all()),
            }
            for s in case.scenarios.prefetch_related("evidence")
        ],
        "options": [
            {
                "id": o.key,
                "name": o.name,
                "description": o.description,
                "instruments": o.instruments,
                "risks": o.risks,
                "actors": _keys(o.actors.all()),
                "evidence": _keys(o.evidence.all()),
            }
            for o in case.options.prefetch_related("actors", "evidence")
        ],
        "criteria": [
            {
                "id": c.key,
                "name": c.name,
                "definition": c.definition,
                "parent": c.parent.key if c.parent_id else None,
                **({} if c.pk in groups else {"direction": c.direction, "scale": _scale(c)}),
                "evidence": _keys(c.evidence.all()),
            }
            for c in case.criteria.select_related("parent").prefetch_related("evidence")
        ],
        "exercises": [_exercise(e) for e in case.exercises.order_by("pk")] if with_exercises else [],
    }
    return canonical(CaseFile.model_validate_json(json.dumps(document)))
