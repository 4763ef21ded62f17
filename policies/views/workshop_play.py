"""A participant's live workshop screen: the page, its poll, the autosave of weights and scores, comments.

Everyone who reaches these views is a `Viewer` of the exercise (policies.selectors.access): a member of its team,
or a guest who joined it by code. The saves go through the one judgment service, which checks the viewer's
right to judge at the moment of writing.
"""

from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.formatting import display_name
from policies.judgment_input import (
    parse_confidence,
    parse_number,
    parse_rank,
    parse_ratio,
    parse_rationale,
    posted_id,
)
from policies.models import Comment, Exercise
from policies.models.exercises import Phase, WeightingMethod
from policies.selectors.access import Viewer, get_own_viewer, get_viewer
from policies.selectors.ahp import ahp_status
from policies.selectors.comments import comment_threads
from policies.selectors.visibility import visibility
from policies.selectors.workshop_state import comments_token, phase_token
from policies.services import workshop as services
from policies.services.judgments import (
    ScoreEntry,
    check_points,
    clear_score,
    judge,
    record_comparisons,
    record_points,
    record_ranking,
    record_score,
)
from policies.views.workshop_screen import play_context


def play(request: HttpRequest, exercise_id: int) -> HttpResponse:
    viewer = get_viewer(request, exercise_id)
    services.apply_deadline(viewer.exercise)
    if viewer.participant is None and viewer.can_judge and not viewer.can_facilitate:
        # A member who opens the workshop has joined it; a facilitator's "participant's view" only previews.
        viewer = replace(viewer, participant=judge(viewer))
    if viewer.participant is not None:
        services.touch(viewer.participant)
    return render(request, "policies/workshop_play.html", play_context(viewer))


def play_state(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The poll behind every participant's screen: 204 while nothing changed, else the new stage.

    A participant's poll costs one query (its row with the exercise and its role); only a changed stage pays
    for more.
    """
    viewer = get_own_viewer(request, exercise_id) or get_viewer(request, exercise_id)
    if viewer.participant is not None:
        services.touch(viewer.participant)
    # A timer set to "move on" moves the exercise at the first poll past its deadline.
    services.apply_deadline(viewer.exercise)
    token = phase_token(viewer.exercise)
    if request.GET.get("v") == token or request.headers.get("If-None-Match") == f'"{token}"':
        response = HttpResponse(status=204 if request.GET.get("v") == token else 304)
        response["ETag"] = f'"{token}"'
        return response
    viewer = get_viewer(request, exercise_id)
    response = render(request, "policies/workshop_play.html#stage", play_context(viewer))
    response["ETag"] = f'"{phase_token(viewer.exercise)}"'
    return response


def _judgment_status(
    request: HttpRequest, *, error: str | None = None, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        "policies/workshop_play.html#save-status",
        {"error": error, **(extra or {})},
        status=422 if error else 200,
    )


def _posted_scenario(request: HttpRequest, exercise: Exercise) -> tuple[int | None, bool]:
    """The scenario a form posts (None: the baseline), and whether what was posted names one in play."""
    raw = (request.POST.get("scenario") or "").strip()
    if not raw:
        return None, True
    pk = posted_id(raw)
    if pk is None or not exercise.scenarios.filter(pk=pk).exists():
        return None, False
    return pk, True


@require_POST
def weights_save(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The participant's weighting form, in whatever form the exercise elicits weights."""
    viewer = get_own_viewer(request, exercise_id) or get_viewer(request, exercise_id)
    exercise = viewer.exercise
    criteria = list(exercise.criteria.order_by("position", "pk"))
    scenario, known = _posted_scenario(request, exercise)
    if not known:
        return _judgment_status(request, error=_("This exercise does not take weights for this scenario."))
    extra: dict[str, Any] = {}
    try:
        method = exercise.weighting_method
        if method == WeightingMethod.RANK:
            ranks = {c.pk: parse_rank(request.POST.get(f"w-{c.pk}"), len(criteria)) for c in criteria}
            record_ranking(viewer=viewer, ranks=ranks, scenario=scenario)
        elif method == WeightingMethod.AHP:
            ratios = {}
            for key, value in request.POST.items():
                if key.startswith("p-") and key.count("-") == 2 and isinstance(value, str) and value:
                    a, b = (posted_id(part) for part in key[2:].split("-"))
                    if a is None or b is None:
                        raise ValidationError(_("This comparison is not part of the exercise."))
                    ratios[(a, b)] = parse_ratio(value)
            participant = record_comparisons(viewer=viewer, ratios=ratios, scenario=scenario)
            extra["ahp"] = ahp_status(participant, criteria, round=exercise.current_round, scenario=scenario)
        else:
            points = {c.pk: parse_number(request.POST.get(f"w-{c.pk}")) for c in criteria}
            for criterion in criteria:
                try:
                    check_points(points[criterion.pk])
                except ValidationError as exc:
                    # Name the criterion: the form has several fields, and the message shows below them all.
                    raise ValidationError(
                        _("%(criterion)s: %(problem)s")
                        % {"criterion": display_name(criterion), "problem": exc.messages[0]}
                    ) from exc
            record_points(viewer=viewer, points=points, scenario=scenario)
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request, extra=extra)


@require_POST
def score_cell_save(
    request: HttpRequest, exercise_id: int, option_id: int, criterion_id: int
) -> HttpResponse:
    """One cell of the scoring table; the service checks the cell belongs to the exercise in one query."""
    viewer = get_own_viewer(request, exercise_id) or get_viewer(request, exercise_id)
    raw_scenario = (request.POST.get("scenario") or "").strip()
    scenario = posted_id(raw_scenario)
    if raw_scenario and scenario is None:
        return _judgment_status(request, error=_("This cell is not part of the exercise."))
    rationale, confidence = request.POST.get("rationale"), request.POST.get("confidence")
    try:
        if not (request.POST.get("value") or "").strip():
            # An emptied cell takes the score back (a rationale goes with it).
            clear_score(viewer=viewer, option=option_id, criterion=criterion_id, scenario=scenario)
            return _judgment_status(request)
        entry = ScoreEntry(
            option=option_id,
            criterion=criterion_id,
            value=parse_number(request.POST.get("value")),
            scenario=scenario,
            rationale=None if rationale is None else parse_rationale(rationale),
            confidence=None if confidence is None else parse_confidence(confidence),
            clear_confidence=confidence is not None and not confidence.strip(),
        )
        record_score(viewer=viewer, entry=entry)
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request)


def _comment_subject(exercise: Exercise, raw: str) -> services.CommentSubject:
    kind, _sep, pk = raw.partition("-")
    subject_pk = posted_id(pk)
    return services.CommentSubject(
        exercise.options.filter(pk=subject_pk).first() if kind == "o" and subject_pk else None,
        exercise.criteria.filter(pk=subject_pk).first() if kind == "c" and subject_pk else None,
    )


def comments(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The threads (GET, polled) and a new comment or reply (POST)."""
    viewer = get_viewer(request, exercise_id)
    exercise = viewer.exercise
    error = None
    status = 200
    if request.method == "GET" and request.GET.get("v") == comments_token(exercise):
        return HttpResponse(status=204)
    if request.method == "POST":
        parent_id = request.POST.get("parent") or ""
        parent_pk = posted_id(parent_id)
        parent = Comment.objects.filter(pk=parent_pk, exercise=exercise).first() if parent_pk else None
        try:
            if parent_id and parent is None:
                raise ValidationError(_("This comment is not part of the exercise."))
            services.add_comment(
                viewer=viewer,
                subject=_comment_subject(exercise, request.POST.get("subject", "")),
                body=request.POST.get("body", ""),
                parent=parent,
            )
        except ValidationError as exc:
            error, status = exc.messages[0], 422
    return _threads(request, viewer, error=error, status=status)


def _threads(
    request: HttpRequest, viewer: Viewer, *, error: str | None = None, status: int = 200
) -> HttpResponse:
    exercise = viewer.exercise
    context = {
        "exercise": exercise,
        "threads": comment_threads(exercise, visibility(viewer)),
        "can_comment": viewer.can_judge and exercise.phase != Phase.CLOSED,
        "can_moderate": viewer.can_facilitate,
        "comment_error": error,
        "comment_token": comments_token(exercise),
        "options": exercise.options.order_by("position", "pk"),
        "criteria": exercise.criteria.order_by("position", "pk"),
    }
    return render(request, "policies/workshop_comments.html", context, status=status)


MODERATIONS = {
    "hide": {"hidden": True},
    "show": {"hidden": False},
    "pin": {"pinned": True},
    "unpin": {"pinned": False},
}


@require_POST
def comment_moderate(request: HttpRequest, exercise_id: int, comment_id: int) -> HttpResponse:
    """A facilitator hides or shows, pins or unpins a comment; answers with the threads as they now read."""
    viewer = get_viewer(request, exercise_id)
    if not viewer.can_facilitate:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    comment = get_object_or_404(Comment, pk=comment_id, exercise=viewer.exercise)
    action = MODERATIONS.get(request.POST.get("action", ""))
    if action is None:
        return _threads(request, viewer, error=_("Choose hide, show, pin or unpin."), status=422)
    services.moderate_comment(viewer=viewer, comment=comment, **action)
    return _threads(request, viewer)
