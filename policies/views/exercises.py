"""The participant's screen: weights and scores, each saved as it is typed."""

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from policies.models import Criterion, Option
from policies.selectors.access import JUDGING_ROLES, get_exercise_for_user, require_role
from policies.selectors.exercise_arrays import exercise_arrays
from policies.services.judgments import participant_for_user, save_score, save_weight


def _display_name(request: HttpRequest) -> str:
    user = request.user
    return user.get_full_name() or user.get_username()


def _value(number: float) -> str:
    return "" if math.isnan(number) else f"{number:g}"


@login_required
def exercise_detail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    if exercise.facilitated:
        # A facilitated workshop has its own phase-driven screen, shared with guests who joined by code.
        return redirect("workshop-play", exercise_id=exercise.pk)
    can_judge = membership.role in JUDGING_ROLES
    arrays = exercise_arrays(exercise)
    mine = next((i for i, p in enumerate(arrays.participants) if p.user_id == request.user.pk), None)
    weight_rows = [
        {"criterion": c, "value": "" if mine is None else _value(arrays.weights[mine, j])}
        for j, c in enumerate(arrays.criteria)
    ]
    score_rows = [
        {
            "option": option,
            "cells": [
                {"criterion": c, "value": "" if mine is None else _value(arrays.scores[mine, i, j])}
                for j, c in enumerate(arrays.criteria)
            ],
        }
        for i, option in enumerate(arrays.options)
    ]
    return render(
        request,
        "policies/exercise.html",
        {
            "exercise": exercise,
            "membership": membership,
            "can_judge": can_judge,
            "criteria": arrays.criteria,
            "weight_rows": weight_rows,
            "score_rows": score_rows,
        },
    )


@login_required
@require_POST
def weight_save(request: HttpRequest, exercise_id: int, criterion_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    require_role(membership, JUDGING_ROLES)
    criterion = get_object_or_404(Criterion, pk=criterion_id, case_id=exercise.case_id)
    participant = participant_for_user(
        exercise=exercise, user_id=request.user.pk, display_name=_display_name(request)
    )
    try:
        save_weight(participant=participant, criterion=criterion, raw_value=request.POST.get("value"))
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request)


@login_required
@require_POST
def score_save(request: HttpRequest, exercise_id: int, option_id: int, criterion_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    require_role(membership, JUDGING_ROLES)
    option = get_object_or_404(Option, pk=option_id, case_id=exercise.case_id)
    criterion = get_object_or_404(Criterion, pk=criterion_id, case_id=exercise.case_id)
    participant = participant_for_user(
        exercise=exercise, user_id=request.user.pk, display_name=_display_name(request)
    )
    try:
        save_score(
            participant=participant, option=option, criterion=criterion, raw_value=request.POST.get("value")
        )
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request)


def _judgment_status(request: HttpRequest, *, error: str | None = None) -> HttpResponse:
    """The saved/failed note beside an input; a saved judgment also tells the page to refresh its ranking."""
    response = render(
        request, "policies/exercise.html#judgment-status", {"error": error}, status=422 if error else 200
    )
    if not error:
        response["HX-Trigger"] = "judgment-saved"
    return response
