"""The facilitator's side of a live workshop: the dashboard and its poll, phases, rounds, settings, the join
code and the decision trail. Every view here requires the owner or facilitator role in the exercise's team."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.forms import WorkshopSettingsForm
from policies.judgment_input import posted_id
from policies.models import Exercise
from policies.models.exercises import Phase, WeightingMethod
from policies.selectors.access import get_viewer_for_user
from policies.selectors.analysis_results import ahp_group_weights, analysis_results
from policies.selectors.cell_detail import cell_detail
from policies.selectors.dashboard import dashboard
from policies.selectors.decision_trail import decision_trail
from policies.selectors.visibility import Visibility, visibility
from policies.selectors.workshop_state import (
    dashboard_token,
    phase_deadline,
    phase_locked,
    poll_seconds,
    time_is_up,
)
from policies.services import workshop as services


def _facilitator(request: HttpRequest, exercise_id: int) -> tuple[Exercise, Visibility]:
    viewer = get_viewer_for_user(request.user, exercise_id)
    if not viewer.can_facilitate:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    services.apply_deadline(viewer.exercise)
    return viewer.exercise, visibility(viewer)


def _dashboard_context(
    request: HttpRequest, exercise: Exercise, seen: Visibility, token: str | None = None
) -> dict[str, Any]:
    """The board's context. ``token`` is the dashboard token if the caller has just read it (four queries); read
    before the board, a save landing in between makes the next poll redraw once more, never miss it."""
    # One bundle for the board, the hotspots, Kendall's W and the ranking: the numbers of the results page.
    bundle = analysis_results(exercise, visibility=seen)
    board = dashboard(exercise, bundle)
    return {
        "exercise": exercise,
        "board": board,
        "results": bundle.results,
        "ahp_group": list(zip(bundle.criteria, bundle.weights.group, strict=True))
        if exercise.weighting_method == WeightingMethod.AHP and ahp_group_weights(bundle.arrays) is not None
        else None,
        "dash_token": token or dashboard_token(exercise),
        "poll_seconds": max(3, poll_seconds(exercise, len(board.progress))),
        "join_url": request.build_absolute_uri(reverse("workshop-join-code", args=[exercise.join_code]))
        if exercise.join_code
        else "",
        "phases": Phase.choices,
        "deadline": phase_deadline(exercise),
        "time_up": time_is_up(exercise),
        "locked": phase_locked(exercise),
    }


def _settings_form(exercise: Exercise) -> WorkshopSettingsForm:
    return WorkshopSettingsForm(
        initial={
            "version": exercise.version,
            **{name: getattr(exercise, name) for name in services.SETTING_FIELDS},
        }
    )


@login_required
def facilitate(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, seen = _facilitator(request, exercise_id)
    context = _dashboard_context(request, exercise, seen)
    context["settings_form"] = _settings_form(exercise)
    return render(request, "policies/workshop_facilitate.html", context)


@login_required
def facilitate_live(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, seen = _facilitator(request, exercise_id)
    token = dashboard_token(exercise)
    if request.GET.get("v") == token:
        return HttpResponse(status=204)
    context = _dashboard_context(request, exercise, seen, token)
    return render(request, "policies/workshop_facilitate.html#live", context)


def _conflict(
    request: HttpRequest, exercise: Exercise, seen: Visibility, message: str, *, status: int = 409
) -> HttpResponse:
    context = _dashboard_context(request, exercise, seen)
    context["settings_form"] = _settings_form(exercise)
    context["control_error"] = message
    return render(request, "policies/workshop_facilitate.html", context, status=status)


def _expected_version(request: HttpRequest) -> int:
    version = posted_id(request.POST.get("version"))
    return -1 if version is None else version


@login_required
@require_POST
def phase_set(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, seen = _facilitator(request, exercise_id)
    closing = request.POST.get("phase") == Phase.CLOSED
    if closing and request.POST.get("confirm") != "yes" and _expected_version(request) == exercise.version:
        # Closing ends the workshop for everybody: the dashboard asks once more before doing it. A stale screen
        # gets the conflict below instead, not a question about a state it has not seen.
        context = _dashboard_context(request, exercise, seen)
        context["settings_form"] = _settings_form(exercise)
        context["confirm_close"] = True
        return render(request, "policies/workshop_facilitate.html", context)
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
            seen,
            _(
                "Another facilitator changed the exercise first: it is now in “%(phase)s”, round %(round)d. Nothing was changed; check and try again."
            )
            % {"phase": exc.exercise.get_phase_display(), "round": exc.exercise.current_round},
        )
    except ValidationError as exc:
        return _conflict(request, exercise, seen, exc.messages[0], status=422)
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
@require_POST
def round_next(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, seen = _facilitator(request, exercise_id)
    try:
        services.next_round(exercise=exercise, expected_version=_expected_version(request))
    except services.VersionConflict as exc:
        return _conflict(
            request,
            exc.exercise,
            seen,
            _(
                "Another facilitator changed the exercise first: it is now in round %(round)d. Nothing was changed."
            )
            % {"round": exc.exercise.current_round},
        )
    except ValidationError as exc:
        return _conflict(request, exercise, seen, exc.messages[0], status=422)
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
@require_POST
def settings_save(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, seen = _facilitator(request, exercise_id)
    form = WorkshopSettingsForm(request.POST)
    if not form.is_valid():
        context = _dashboard_context(request, exercise, seen)
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
        context = _dashboard_context(request, current, seen)
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
        context = _dashboard_context(request, exercise, seen)
        context["settings_form"] = form
        context["control_error"] = exc.messages[0]
        return render(request, "policies/workshop_facilitate.html", context, status=422)
    messages.success(request, _("Settings saved."))
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
@require_POST
def join_code_new(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, _seen = _facilitator(request, exercise_id)
    services.issue_join_code(exercise=exercise)
    messages.success(request, _("A new join code is ready; the old one no longer works."))
    return redirect("workshop-facilitate", exercise_id=exercise.pk)


@login_required
def trail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, seen = _facilitator(request, exercise_id)
    return render(
        request,
        "policies/workshop_trail.html",
        {"exercise": exercise, "entries": decision_trail(exercise, seen)},
    )


@login_required
def cell(request: HttpRequest, exercise_id: int, option_id: int, criterion_id: int) -> HttpResponse:
    """The drill-down from a disputed cell: each score with its reason, named as the anonymity mode allows."""
    exercise, seen = _facilitator(request, exercise_id)
    bundle = analysis_results(exercise, visibility=seen)
    detail = cell_detail(bundle, option_id, criterion_id)
    if detail is None:
        raise Http404(_("This cell is not part of the exercise."))
    return render(
        request,
        "policies/workshop_cell.html",
        {"exercise": exercise, "detail": detail, "identities": seen.identities},
    )
