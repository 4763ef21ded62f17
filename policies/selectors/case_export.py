"""Read a case (and its team's exercises) back into the case-file format.

An exercise is exported as its reader may see it (policies.selectors.visibility): judgments only of the rounds
they may see, participants named and keyed only where they may see identities, and a `withheld` line saying
what was left out.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from policies.casefile.canonical import canonical
from policies.casefile.schema import FORMAT_NAME, FORMAT_VERSION, CaseFile
from policies.models import (
    Case,
    Criterion,
    DriverState,
    Exercise,
    ImpactJudgment,
    PairwiseJudgment,
    ScoreJudgment,
    WeightJudgment,
)
from policies.models.cases import CaseItem
from policies.selectors.comments import comment_rows
from policies.selectors.visibility import Visibility, visibility_for


def _keys(queryset: Iterable[CaseItem]) -> list[str]:
    return [item.key for item in queryset]


def _scale(criterion: Criterion) -> dict[str, Any]:
    return {
        "min": criterion.scale_min,
        "max": criterion.scale_max,
        "unit": criterion.unit,
        "low": criterion.scale_low,
        "high": criterion.scale_high,
    }


def _preference(criterion: Criterion) -> dict[str, Any]:
    """PROMETHEE's settings of a criterion, left out when they are the default ("usual", no threshold)."""
    if criterion.preference_function == "usual":
        return {}
    thresholds = {
        "q": criterion.indifference_threshold,
        "p": criterion.preference_threshold,
        "s": criterion.gaussian_spread,
    }
    values = {name: value for name, value in thresholds.items() if value is not None}
    return {"preference": {"function": criterion.preference_function, **values}}


def exercise_judgments(exercise: Exercise, seen: Visibility) -> dict[str, Any]:
    """The participants and every weight, score, pairwise comparison and impact rating of the rounds `seen`
    opens, each participant under the key and label the view gives them: the case-file export and the API's
    group judgments read this one function, so both show the same people the same way."""
    participants = list(exercise.participants.order_by("pk"))
    key = {p.pk: seen.key(p) for p in participants}
    rounds = seen.last_round
    return {
        "participants": [
            {
                "id": key[p.pk],
                "alias": seen.label(p),
                "profile": p.profile if seen.identities else {},
                # Written only for a comment author who does not judge, so other files read as before.
                **({} if p.judging else {"judging": False}),
            }
            for p in participants
        ],
        "weights": [
            {
                "participant": key[w.participant_id],
                "criterion": w.criterion.key,
                "scenario": w.scenario.key if w.scenario else None,
                "value": w.value,
                "round": w.round,
                "rationale": w.rationale,
            }
            for w in exercise_weights(exercise).filter(round__lte=rounds)
        ],
        "scores": [
            {
                "participant": key[s.participant_id],
                "option": s.option.key,
                "criterion": s.criterion.key,
                "scenario": s.scenario.key if s.scenario else None,
                "value": s.value,
                "round": s.round,
                "rationale": s.rationale,
                "confidence": s.confidence,
            }
            for s in exercise_scores(exercise).filter(round__lte=rounds)
        ],
        "pairwise": [
            {
                "participant": key[p.participant_id],
                "criterion_a": p.criterion_a.key,
                "criterion_b": p.criterion_b.key,
                "scenario": p.scenario.key if p.scenario else None,
                "value": p.value,
                "round": p.round,
            }
            for p in exercise_pairwise(exercise).filter(round__lte=rounds)
        ],
        "impacts": [
            {
                "participant": key[i.participant_id],
                "source": [i.source.driver.key, i.source.key],
                "target": [i.target.driver.key, i.target.key],
                "value": i.value,
                "round": i.round,
            }
            for i in exercise_impacts(exercise).filter(round__lte=rounds)
        ],
    }


def _exercise(exercise: Exercise, seen: Visibility) -> dict[str, Any]:
    judgments = exercise_judgments(exercise, seen)
    return {
        "id": exercise.key,
        "title": exercise.title,
        "description": exercise.description,
        "options": _keys(exercise.options.all()),
        "criteria": _keys(exercise.criteria.all()),
        "scenarios": _keys(exercise.scenarios.all()),
        "weights_by_scenario": exercise.weights_by_scenario,
        "weighting_method": exercise.weighting_method,
        "participants": judgments["participants"],
        "weights": judgments["weights"],
        "scores": judgments["scores"],
        "pairwise": judgments["pairwise"],
        "impact_cells": _impact_cells(exercise),
        "impacts": judgments["impacts"],
        "comments": [
            {
                "number": c.number,
                "reply_to": c.reply_to,
                "participant": c.author_key,
                c.subject_kind: c.subject_key,
                "body": c.body,
                "created": c.created.isoformat(),
            }
            for c in comment_rows(exercise, seen)
        ],
        "withheld": seen.withheld,
    }


def _impact_cells(exercise: Exercise) -> list[dict[str, list[str]]]:
    """The cells the facilitator chose for rating, by driver and state keys (stored by state ids); a cell whose
    state was deleted since is no cell of the matrix any more, and is left out."""
    ids = {int(state_id) for cell in exercise.impact_cells or [] for state_id in cell}
    states = {s.pk: s for s in DriverState.objects.filter(pk__in=ids).select_related("driver")}
    return [
        {
            "source": [states[int(a)].driver.key, states[int(a)].key],
            "target": [states[int(b)].driver.key, states[int(b)].key],
        }
        for a, b in exercise.impact_cells or []
        if int(a) in states and int(b) in states
    ]


def exercise_weights(exercise: Exercise) -> QuerySet[WeightJudgment]:
    return WeightJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "criterion", "scenario"
    )


def exercise_scores(exercise: Exercise) -> QuerySet[ScoreJudgment]:
    return ScoreJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "option", "criterion", "scenario"
    )


def exercise_pairwise(exercise: Exercise) -> QuerySet[PairwiseJudgment]:
    return PairwiseJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "criterion_a", "criterion_b", "scenario"
    )


def exercise_impacts(exercise: Exercise) -> QuerySet[ImpactJudgment]:
    return ImpactJudgment.objects.filter(participant__exercise=exercise).select_related(
        "participant", "source__driver", "target__driver"
    )


def export_case(case: Case, *, exercises: Mapping[int, Visibility] | None = None) -> dict[str, Any]:
    """The case as a canonical case-file document (a dict ready for json.dumps), with the exercises whose ids
    `exercises` maps to the view each is exported under (none by default)."""
    groups = set(case.criteria.filter(children__isnull=False).values_list("pk", flat=True))
    views = exercises or {}
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
        "cross_impacts": [
            {
                "source": [c.source.driver.key, c.source.key],
                "target": [c.target.driver.key, c.target.key],
                "value": c.value,
                "reason": c.reason,
                "illustrative": c.illustrative,
                "evidence": _keys(c.evidence.all()),
            }
            for c in case.cross_impacts.select_related("source__driver", "target__driver").prefetch_related(
                "evidence"
            )
        ],
        "scenarios": [
            {
                "id": s.key,
                "name": s.name,
                "narrative": s.narrative,
                "plausibility": s.plausibility,
                "origin": s.origin,
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
                "parent": c.parent.key if c.parent else None,
                **(
                    {} if c.pk in groups else {"direction": c.direction, "scale": _scale(c), **_preference(c)}
                ),
                "evidence": _keys(c.evidence.all()),
            }
            for c in case.criteria.select_related("parent").prefetch_related("evidence")
        ],
        "reference_values": [
            {"option": r.option.key, "criterion": r.criterion.key, "value": r.value}
            for r in case.reference_values.select_related("option", "criterion").order_by(
                "option__position", "option__pk", "criterion__position", "criterion__pk"
            )
        ],
        "exercises": [_exercise(e, views[e.pk]) for e in case.exercises.order_by("pk") if e.pk in views],
    }
    return canonical(CaseFile.model_validate_json(json.dumps(document)))


def exercises_as_seen(case: Case, *, facilitator: bool) -> dict[int, Visibility]:
    """Every exercise of the case with the view of a reader who is, or is not, a facilitator of the team."""
    return {e.pk: visibility_for(e, facilitator=facilitator) for e in case.exercises.all()}
