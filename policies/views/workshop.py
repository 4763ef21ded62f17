"""A live workshop: joining by code, the participant's phase-driven screen, the facilitator's dashboard."""

import math
from typing import Any

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from policies.forms import MAX_ID, WorkshopSettingsForm
from policies.models import Comment, Exercise, Participant, ScoreJudgment
from policies.models.exercises import Phase, WeightingMethod
from policies.models.fields import localize
from policies.selectors.access import (
    FACILITATING_ROLES,
    JUDGING_ROLES,
    WORKSHOP_SESSION_KEY,
    get_exercise_for_participant,
    get_exercise_for_user,
    get_own_participant,
    require_role,
)
from policies.selectors.exercise_arrays import exercise_arrays
from policies.selectors.results import exercise_results
from policies.selectors.workshop import (
    ahp_status,
    cell_stats,
    comment_threads,
    consensus,
    dashboard,
    dashboard_token,
    decision_trail,
    differs_from_baseline,
    display_name,
    group_ahp_weights,
    pairwise_matrix,
    phase_deadline,
    phase_token,
    poll_seconds,
    shows_others,
)
from policies.services import workshop as services
from policies.services.judgments import participant_for_user, save_score, score_scale
from policies.templatetags.report_format import number as localized

# Wrong codes one address may try per window before it is told to wait: guessing 8.5e11 codes stays hopeless.
JOIN_ATTEMPTS = 20
JOIN_WINDOW_SECONDS = 600
CONFIDENCE_CHOICES = [
    (1, _lazy("1 — a guess")),
    (2, _lazy("2 — unsure")),
    (3, _lazy("3 — fairly sure")),
    (4, _lazy("4 — sure")),
    (5, _lazy("5 — certain")),
]
RATIO_CHOICES = [
    ("9", "9"),
    ("7", "7"),
    ("5", "5"),
    ("3", "3"),
    ("2", "2"),
    ("1", "1"),
    ("1/2", "1/2"),
    ("1/3", "1/3"),
    ("1/5", "1/5"),
    ("1/7", "1/7"),
    ("1/9", "1/9"),
]


def _fmt(number: float | None) -> str:
    return "" if number is None or math.isnan(number) else f"{number:g}"


def _shown(number: float | None) -> str:
    """A number the page only shows, written as the reader's language writes it (6,5 in French); input values
    keep `_fmt`, which the save path and the scripts read."""
    return "" if number is None or math.isnan(number) else localized(number, 3)


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _rate_limited(request: HttpRequest) -> bool:
    return int(cache.get(f"join-fail:{_client_address(request)}", 0)) >= JOIN_ATTEMPTS


def _count_failure(request: HttpRequest) -> None:
    key = f"join-fail:{_client_address(request)}"
    if cache.add(key, 1, JOIN_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, JOIN_WINDOW_SECONDS)


def _remember(request: HttpRequest, participant: Participant) -> None:
    joined = dict(request.session.get(WORKSHOP_SESSION_KEY, {}))
    joined[str(participant.exercise_id)] = participant.pk
    request.session[WORKSHOP_SESSION_KEY] = joined


def join(request: HttpRequest, code: str = "") -> HttpResponse:
    """Join a workshop with its code or link: as the logged-in user, or as a guest with a display name."""
    if _rate_limited(request):
        response = render(
            request,
            "policies/workshop_join.html",
            {
                "error": _("Too many wrong codes from this network. Wait ten minutes and try again."),
                "code": "",
            },
            status=429,
        )
        response["Retry-After"] = str(JOIN_WINDOW_SECONDS)
        return response
    raw = request.POST.get("code", code) if request.method == "POST" else code
    exercise = services.exercise_for_code(raw) if raw else None
    context: dict[str, Any] = {"code": services.normalize_code(raw), "exercise": exercise, "error": None}
    if raw and exercise is None:
        _count_failure(request)
        context["error"] = _("This code does not open any workshop: it may be mistyped, expired or closed.")
        return render(request, "policies/workshop_join.html", context, status=404 if code else 422)
    if request.method != "POST" or exercise is None or "join" not in request.POST:
        # First step (code typed or link opened): show the workshop and how one will appear in it.
        return render(request, "policies/workshop_join.html", context)
    if request.user.is_authenticated:
        participant = participant_for_user(
            exercise=exercise,
            user_id=request.user.pk,
            display_name=request.user.get_full_name() or request.user.get_username(),
        )
    else:
        try:
            participant = services.join_as_guest(exercise=exercise, display_name=request.POST.get("name", ""))
        except ValidationError as exc:
            context["error"] = exc.messages[0]
            return render(request, "policies/workshop_join.html", context, status=422)
    _remember(request, participant)
    return redirect("workshop-play", exercise_id=exercise.pk)


def _viewer(request: HttpRequest, exercise_id: int) -> tuple[Exercise, Participant | None, bool, bool]:
    """The exercise, the visitor's participant row (created for judging members), can judge, can facilitate."""
    exercise, participant, membership = get_exercise_for_participant(request, exercise_id)
    can_facilitate = membership is not None and membership.role in FACILITATING_ROLES
    if participant is None and membership is not None and membership.role in JUDGING_ROLES:
        participant = participant_for_user(
            exercise=exercise,
            user_id=request.user.pk,
            display_name=request.user.get_full_name() or request.user.get_username(),
        )
        participant.exercise = exercise
    return exercise, participant, participant is not None, can_facilitate


def _own_index(arrays: Any, participant: Participant | None) -> int | None:
    if participant is None:
        return None
    return next((i for i, p in enumerate(arrays.participants) if p.pk == participant.pk), None)


def _weighting_context(
    exercise: Exercise, participant: Participant | None, arrays: Any, me: int | None
) -> dict:
    """The baseline weighting form and, when weights differ by scenario, one form per scenario in play.

    A scenario's form starts from the participant's baseline weights (their own scenario weights where they gave
    some) and marks the criteria and comparisons they changed.
    """
    sets = [_weight_set(exercise, participant, arrays, me, None)]
    if arrays.weights_by_scenario:
        sets += [_weight_set(exercise, participant, arrays, me, s) for s in range(len(arrays.scenarios))]
    context: dict[str, Any] = {"weight_rows": sets[0]["rows"], "weight_sets": sets}
    if exercise.weighting_method == WeightingMethod.RANK:
        context["rank_choices"] = list(range(1, len(arrays.criteria) + 1))
    elif exercise.weighting_method == WeightingMethod.AHP and participant is not None:
        context.update(pairs=sets[0]["pairs"], ahp=sets[0]["ahp"], ratio_choices=RATIO_CHOICES)
    return context


def _weight_set(
    exercise: Exercise, participant: Participant | None, arrays: Any, me: int | None, s_index: int | None
) -> dict[str, Any]:
    """One weighting form's rows (and AHP pairs): the baseline (`s_index` None) or scenario `s_index`."""
    criteria = arrays.criteria
    scenario = None if s_index is None else arrays.scenarios[s_index]
    base = [np.nan] * len(criteria) if me is None else list(arrays.weights[me])
    values = base if s_index is None or me is None else list(arrays.scenario_weights[s_index, me])
    rows = [
        {
            "criterion": c,
            "value": _fmt(v),
            "changed": scenario is not None and bool(differs_from_baseline(v, b)),
        }
        for c, v, b in zip(criteria, values, base, strict=True)
    ]
    result: dict[str, Any] = {
        "scenario": scenario,
        "rows": rows,
        "pairs": [],
        "ahp": None,
        # What sets a scenario's form apart: its fields' id prefix and its test ids' suffix.
        "dom": f"s{scenario.pk}-" if scenario else "",
        "testid": f"-{scenario.key}" if scenario else "",
    }
    method = exercise.weighting_method
    if method == WeightingMethod.DIRECT:
        given = [v for v in values if not math.isnan(v)]
        if len(given) != len(criteria) or not criteria:
            share = 100 // max(len(criteria), 1)
            defaults = [share] * len(criteria)
            if criteria:
                defaults[0] += 100 - share * len(criteria)
            for row, value in zip(rows, defaults, strict=True):
                row["value"] = str(value)
        else:
            total = sum(given) or 1
            for row, value in zip(rows, given, strict=True):
                row["value"] = f"{round(value * 100 / total):g}"
    elif method == WeightingMethod.RANK:
        order = sorted((v, i) for i, v in enumerate(values) if not math.isnan(v))
        ranks = {i: len(order) - k for k, (_v, i) in enumerate(order)} if len(order) == len(criteria) else {}
        for i, row in enumerate(rows):
            row["rank"] = ranks.get(i)
    elif method == WeightingMethod.AHP and participant is not None:
        baseline = pairwise_matrix(participant, criteria, round=exercise.current_round)
        matrix = (
            baseline
            if scenario is None
            else pairwise_matrix(participant, criteria, round=exercise.current_round, scenario=scenario)
        )
        for i in range(len(criteria)):
            for j in range(i + 1, len(criteria)):
                a, b = (
                    (criteria[i], criteria[j])
                    if criteria[i].pk < criteria[j].pk
                    else (criteria[j], criteria[i])
                )
                ia, ib = (i, j) if a is criteria[i] else (j, i)
                value = matrix[ia, ib]
                changed = scenario is not None and bool(differs_from_baseline(value, baseline[ia, ib]))
                result["pairs"].append({"a": a, "b": b, "value": _ratio_label(value), "changed": changed})
        result["ahp"] = ahp_status(participant, criteria, round=exercise.current_round, scenario=scenario)
    result["changed"] = any(row["changed"] for row in rows) or any(p["changed"] for p in result["pairs"])
    return result


def _ratio_label(value: float) -> str:
    if math.isnan(value):
        return ""
    if value >= 1:
        return f"{round(value):g}"
    return f"1/{round(1 / value):g}"


def _score_tables(
    exercise: Exercise, participant: Participant | None, arrays: Any, me: int | None
) -> list[dict[str, Any]]:
    """The baseline table and one per scenario; scenario cells start from the baseline and mark changes."""
    notes: dict[tuple[int, int, int | None], tuple[str, int | None]] = {}
    if participant is not None:
        for o_id, c_id, s_id, text, confidence in (
            ScoreJudgment.objects.filter(participant=participant, round__lte=exercise.current_round)
            .order_by("round")
            .values_list("option_id", "criterion_id", "scenario_id", "rationale", "confidence")
        ):
            notes[(o_id, c_id, s_id)] = (localize(text) if text else "", confidence)
    previous = {}
    before, me_before = None, None
    if exercise.current_round > 1:
        # The last round, read once: the group's statistics per cell and the participant's own values.
        before = exercise_arrays(exercise, round=exercise.current_round - 1)
        previous = {
            (s.option.pk, s.criterion.pk): s
            for s in cell_stats(exercise, round=exercise.current_round - 1, arrays=before)
        }
        me_before = _own_index(before, participant)
    # Per criterion, not per cell: a table of a few hundred cells would format each scale a few hundred times.
    scales = {
        criterion.pk: "–".join(floatformat(end, "-2") for end in score_scale(exercise, criterion))
        for criterion in arrays.criteria
    }
    # The cell's address is the exercise's score URL with the option and criterion appended.
    score_url = reverse("workshop-score", args=[exercise.pk, 0, 0]).removesuffix("0/0/")
    tables = []
    for s_index, scenario in [(None, None), *enumerate(arrays.scenarios)]:
        rows = []
        for i, option in enumerate(arrays.options):
            cells = []
            for j, criterion in enumerate(arrays.criteria):
                base = np.nan if me is None else arrays.scores[me, i, j]
                value = base if s_index is None or me is None else arrays.scenario_scores[s_index, me, i, j]
                rationale, confidence = notes.get(
                    (option.pk, criterion.pk, scenario.pk if scenario else None), ("", None)
                )
                cell = {
                    "criterion": criterion,
                    # Built here once per cell: the template would resolve each part half a dozen times.
                    "url": f"{score_url}{option.pk}/{criterion.pk}/",
                    "dom": f"{scenario.pk if scenario else 'b'}-{option.pk}-{criterion.pk}",
                    "testid": f"{option.key}-{criterion.key}" + (f"-{scenario.key}" if scenario else ""),
                    "value": _fmt(value),
                    "rationale": rationale,
                    "confidence": confidence,
                    "changed": scenario is not None and bool(differs_from_baseline(value, base)),
                    "scale": scales[criterion.pk],
                }
                if scenario is None and previous:
                    stats = previous.get((option.pk, criterion.pk))
                    cell["feedback"] = stats
                    cell["previous"] = (
                        "" if me_before is None or before is None else _shown(before.scores[me_before, i, j])
                    )
                cells.append(cell)
            rows.append({"option": option, "cells": cells})
        tables.append({"scenario": scenario, "rows": rows})
    return tables


def _play_context(
    request: HttpRequest, exercise: Exercise, participant: Participant | None, can_judge: bool
) -> dict:
    # The participant's own judgments only: the group's are read where the phase shows them (below).
    arrays = exercise_arrays(exercise, only=[participant] if participant is not None else [])
    me = _own_index(arrays, participant)
    context: dict[str, Any] = {
        "exercise": exercise,
        "participant": participant,
        "can_judge": can_judge,
        "me_name": display_name(participant, exercise=exercise, for_facilitator=False) if participant else "",
        "token": phase_token(exercise),
        "poll_seconds": poll_seconds(exercise, exercise.participants.count()),
        "deadline": phase_deadline(exercise),
        "criteria": arrays.criteria,
        "options": arrays.options,
        "confidence_choices": CONFIDENCE_CHOICES,
    }
    phase = exercise.phase
    if phase == Phase.BRIEFING:
        context["evidence"] = exercise.case.evidence.select_related("source").order_by("position", "pk")[:40]
    if phase in {Phase.WEIGHTING, Phase.SCORING} or not exercise.facilitated:
        context.update(_weighting_context(exercise, participant, arrays, me))
    if phase == Phase.SCORING or not exercise.facilitated:
        context["tables"] = _score_tables(exercise, participant, arrays, me)
    if shows_others(exercise) and phase != Phase.WEIGHTING and phase != Phase.SCORING:
        group = exercise_arrays(exercise)  # read once for the statistics, the results and the consensus
        stats = cell_stats(exercise, arrays=group)
        context["stats_rows"] = [
            {"option": option, "cells": stats[i * len(arrays.criteria) : (i + 1) * len(arrays.criteria)]}
            for i, option in enumerate(arrays.options)
        ]
        context["own"] = (
            {
                (o.pk, c.pk): _shown(arrays.scores[me, i, j])
                for i, o in enumerate(arrays.options)
                for j, c in enumerate(arrays.criteria)
            }
            if me is not None
            else {}
        )
        for row in context["stats_rows"]:
            row["mine"] = [context["own"].get((row["option"].pk, s.criterion.pk), "") for s in row["cells"]]
            row["pairs"] = list(zip(row["cells"], row["mine"], strict=True))
        context["results"] = exercise_results(exercise, arrays=group)
        context["consensus"] = consensus(exercise, arrays=group)
    return context


def play(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, participant, can_judge, can_facilitate = _viewer(request, exercise_id)
    if participant is not None:
        services.touch(participant)
    context = _play_context(request, exercise, participant, can_judge)
    context["can_facilitate"] = can_facilitate
    return render(request, "policies/workshop_play.html", context)


def play_state(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The poll behind every participant's screen: 204 while nothing changed, else the new stage.

    A participant's poll costs one query (its row with the exercise); only a changed stage pays for more.
    """
    participant = get_own_participant(request, exercise_id)
    if participant is not None:
        exercise = participant.exercise
    else:
        exercise, participant, _membership = get_exercise_for_participant(request, exercise_id)
    if participant is not None:
        services.touch(participant)
    token = phase_token(exercise)
    if request.GET.get("v") == token or request.headers.get("If-None-Match") == f'"{token}"':
        response = HttpResponse(status=204 if request.GET.get("v") == token else 304)
        response["ETag"] = f'"{token}"'
        return response
    exercise, participant, can_judge, can_facilitate = _viewer(request, exercise_id)
    context = _play_context(request, exercise, participant, can_judge)
    context["can_facilitate"] = can_facilitate
    response = render(request, "policies/workshop_play.html#stage", context)
    response["ETag"] = f'"{phase_token(exercise)}"'
    return response


def _judgment_status(
    request: HttpRequest, *, error: str | None = None, extra: dict | None = None
) -> HttpResponse:
    return render(
        request,
        "policies/workshop_play.html#save-status",
        {"error": error, **(extra or {})},
        status=422 if error else 200,
    )


@require_POST
def weights_save(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, participant, _can_judge, _facilitate = _viewer(request, exercise_id)
    if participant is None:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    method = exercise.weighting_method
    scenario_id = (request.POST.get("scenario") or "").strip()
    scenario_pk = _posted_id(scenario_id)
    scenario = exercise.scenarios.filter(pk=scenario_pk).first() if scenario_pk is not None else None
    if scenario_id and scenario is None:
        return _judgment_status(request, error=_("This exercise does not take weights for this scenario."))
    extra: dict[str, Any] = {}
    try:
        if method == WeightingMethod.RANK:
            services.save_ranking(
                participant=participant,
                raw={c.pk: request.POST.get(f"w-{c.pk}") for c in criteria},
                scenario=scenario,
            )
        elif method == WeightingMethod.AHP:
            raw = {}
            for key, value in request.POST.items():
                if key.startswith("p-") and key.count("-") == 2:
                    a, b = (_posted_id(part) for part in key[2:].split("-"))
                    if a is not None and b is not None:
                        raw[(a, b)] = value
            services.save_pairwise(participant=participant, raw=raw, scenario=scenario)
            extra["ahp"] = ahp_status(participant, criteria, round=exercise.current_round, scenario=scenario)
        else:
            services.save_points(
                participant=participant,
                raw={c.pk: request.POST.get(f"w-{c.pk}") for c in criteria},
                must_sum_to_100=method == WeightingMethod.DIRECT,
                scenario=scenario,
            )
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request, extra=extra)


@require_POST
def score_cell_save(
    request: HttpRequest, exercise_id: int, option_id: int, criterion_id: int
) -> HttpResponse:
    """One cell of the scoring table; the service checks the cell belongs to the exercise in one query."""
    participant = get_own_participant(request, exercise_id)
    if participant is None:
        _exercise, participant, _can_judge, _facilitate = _viewer(request, exercise_id)
    if participant is None:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    scenario_id = (request.POST.get("scenario") or "").strip()
    scenario_pk = _posted_id(scenario_id)
    if scenario_id and scenario_pk is None:
        return _judgment_status(request, error=_("This cell is not part of the exercise."))
    try:
        save_score(
            participant=participant,
            option=option_id,
            criterion=criterion_id,
            scenario=scenario_pk,
            raw_value=request.POST.get("value"),
            raw_rationale=request.POST.get("rationale"),
            raw_confidence=request.POST.get("confidence"),
        )
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request)


def comments(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The threads (GET, polled) and a new comment or reply (POST)."""
    exercise, participant, _can_judge, can_facilitate = _viewer(request, exercise_id)
    error = None
    status = 200
    count = Comment.objects.filter(exercise=exercise).count()
    if request.method == "GET" and request.GET.get("v") == str(count):
        return HttpResponse(status=204)
    if request.method == "POST":
        if participant is None:
            raise PermissionDenied(_("Your role in this team does not allow this."))
        subject = request.POST.get("subject", "")
        kind, _sep, pk = subject.partition("-")
        parent_id = request.POST.get("parent") or ""
        parent_pk, subject_pk = _posted_id(parent_id), _posted_id(pk)
        parent = Comment.objects.filter(pk=parent_pk, exercise=exercise).first() if parent_pk else None
        subject_obj = services.CommentSubject(
            exercise.options.filter(pk=subject_pk).first() if kind == "o" and subject_pk else None,
            exercise.criteria.filter(pk=subject_pk).first() if kind == "c" and subject_pk else None,
        )
        try:
            if parent_id and parent is None:
                raise ValidationError(_("This comment is not part of the exercise."))
            services.add_comment(
                participant=participant, subject=subject_obj, body=request.POST.get("body", ""), parent=parent
            )
        except ValidationError as exc:
            error, status = exc.messages[0], 422
    context = {
        "exercise": exercise,
        "threads": comment_threads(exercise, for_facilitator=can_facilitate),
        "can_comment": participant is not None and exercise.phase != Phase.CLOSED,
        "comment_error": error,
        "comment_count": Comment.objects.filter(exercise=exercise).count(),
        "options": exercise.options.order_by("position", "pk"),
        "criteria": exercise.criteria.order_by("position", "pk"),
    }
    return render(request, "policies/workshop_comments.html", context, status=status)


# The facilitator's side.


def _facilitator(request: HttpRequest, exercise_id: int) -> Exercise:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    require_role(membership, FACILITATING_ROLES)
    return exercise


def _dashboard_context(request: HttpRequest, exercise: Exercise) -> dict[str, Any]:
    arrays = exercise_arrays(exercise)  # loaded once for the board, the consensus and the ranking
    board = dashboard(exercise, arrays)
    results = exercise_results(exercise, arrays=arrays)
    criteria = list(exercise.criteria.order_by("position", "pk"))
    return {
        "exercise": exercise,
        "board": board,
        "results": results,
        "ahp_group": group_ahp_weights(exercise, criteria)
        if exercise.weighting_method == WeightingMethod.AHP
        else None,
        "dash_token": dashboard_token(exercise),
        "poll_seconds": max(3, poll_seconds(exercise, len(board.progress))),
        "join_url": request.build_absolute_uri(reverse("workshop-join-code", args=[exercise.join_code]))
        if exercise.join_code
        else "",
        "phases": Phase.choices,
        "deadline": phase_deadline(exercise),
    }


@login_required
def facilitate(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    context = _dashboard_context(request, exercise)
    context["settings_form"] = WorkshopSettingsForm(
        initial={
            "version": exercise.version,
            **{name: getattr(exercise, name) for name in services.SETTING_FIELDS},
        }
    )
    return render(request, "policies/workshop_facilitate.html", context)


@login_required
def facilitate_live(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    token = dashboard_token(exercise)
    if request.GET.get("v") == token:
        return HttpResponse(status=204)
    context = _dashboard_context(request, exercise)
    return render(request, "policies/workshop_facilitate.html#live", context)


def _conflict(request: HttpRequest, exercise: Exercise, message: str, *, status: int = 409) -> HttpResponse:
    context = _dashboard_context(request, exercise)
    context["settings_form"] = WorkshopSettingsForm(
        initial={
            "version": exercise.version,
            **{name: getattr(exercise, name) for name in services.SETTING_FIELDS},
        }
    )
    context["control_error"] = message
    return render(request, "policies/workshop_facilitate.html", context, status=status)


def _posted_id(raw: str | None) -> int | None:
    """A posted id or version in ASCII digits that fits a database key, or None.

    "²".isdigit() is true yet int("²") fails, and SQLite overflows on numbers past 64 bits.
    """
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def _expected_version(request: HttpRequest) -> int:
    version = _posted_id(request.POST.get("version"))
    return -1 if version is None else version


@login_required
@require_POST
def phase_set(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    try:
        services.set_phase(
            exercise=exercise,
            phase=request.POST.get("phase", ""),
            expected_version=_expected_version(request),
        )
    except services.VersionConflict as exc:
        return _conflict(
            request,
            exc.exercise,
            _(
                "Another facilitator changed the exercise first: it is now in “%(phase)s”, round %(round)d. Nothing was changed; check and try again."
            )
            % {"phase": exc.exercise.get_phase_display(), "round": exc.exercise.current_round},
        )
    except ValidationError as exc:
        return _conflict(request, exercise, exc.messages[0], status=422)
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
@require_POST
def round_next(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    try:
        services.next_round(exercise=exercise, expected_version=_expected_version(request))
    except services.VersionConflict as exc:
        return _conflict(
            request,
            exc.exercise,
            _(
                "Another facilitator changed the exercise first: it is now in round %(round)d. Nothing was changed."
            )
            % {"round": exc.exercise.current_round},
        )
    except ValidationError as exc:
        return _conflict(request, exercise, exc.messages[0], status=422)
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
@require_POST
def settings_save(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    form = WorkshopSettingsForm(request.POST)
    if not form.is_valid():
        context = _dashboard_context(request, exercise)
        if "version" in form.errors:
            # The hidden version was tampered with or lost: nothing to show beside a field, so say it above the
            # form, which keeps what was typed with the current version so that saving again works.
            context["control_error"] = _("The form was incomplete: check the settings below and save again.")
            form = WorkshopSettingsForm({**request.POST.dict(), "version": exercise.version})
            form.is_valid()
        context["settings_form"] = form
        return render(request, "policies/workshop_facilitate.html", context, status=422)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.update_settings(exercise=exercise, expected_version=version, settings=data)
    except services.VersionConflict as exc:
        current = exc.exercise
        context = _dashboard_context(request, current)
        # Keep what this facilitator typed, with the new version, so they can compare and save again.
        form = WorkshopSettingsForm({**request.POST.dict(), "version": current.version})
        form.is_valid()
        context["settings_form"] = form
        context["control_error"] = _(
            "Another facilitator saved these settings while you were editing. Your changes were not saved: "
            "the form shows them, the page shows the settings now in force. Save again to replace those."
        )
        context["current_settings"] = [
            (
                WorkshopSettingsForm.base_fields[name].label,
                getattr(current, f"get_{name}_display", lambda n=name: getattr(current, n))(),
            )
            for name in services.SETTING_FIELDS
        ]
        return render(request, "policies/workshop_facilitate.html", context, status=409)
    except ValidationError as exc:
        context = _dashboard_context(request, exercise)
        context["settings_form"] = form
        context["control_error"] = exc.messages[0]
        return render(request, "policies/workshop_facilitate.html", context, status=422)
    messages.success(request, _("Settings saved."))
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
@require_POST
def join_code_new(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    services.issue_join_code(exercise=exercise)
    messages.success(request, _("A new join code is ready; the old one no longer works."))
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
def trail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitator(request, exercise_id)
    return render(
        request, "policies/workshop_trail.html", {"exercise": exercise, "entries": decision_trail(exercise)}
    )
