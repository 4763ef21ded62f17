"""The cross-impacts phase of a workshop: participants rate cells of the case's matrix, the facilitator picks the
cells and reads the group's matrix, its disputed cells and the scenarios it holds.

What each person sees of the group is decided by `policies.selectors.visibility` (through
`policies.selectors.group_impacts`); writes go through `policies.services.impact_judgments`.
"""

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.casefile.schema import IMPACT_LIMIT
from policies.models import DriverState, Exercise
from policies.models.exercises import Phase
from policies.selectors.access import Viewer, get_viewer, get_viewer_for_user
from policies.selectors.cross_impact import case_impact_matrix
from policies.selectors.group_impacts import group_impacts, own_impacts
from policies.selectors.visibility import visibility
from policies.services.cross_impact import parse_impact_value
from policies.services.impact_judgments import pick_impact_cells, rated_cells, record_impact
from policies.services.judgments import judge

TEMPLATE = "policies/workshop_impacts.html"


def _cells_of_case(exercise: Exercise) -> list[tuple[DriverState, DriverState]]:
    """Every cell of the case's matrix (states of two different drivers), in the grid's order."""
    states = case_impact_matrix(exercise.case).states
    return [
        (source, target) for source in states for target in states if source.driver_id != target.driver_id
    ]


def _cells(exercise: Exercise) -> list[tuple[DriverState, DriverState]]:
    """The cells put to the group, in the grid's order."""
    picked = rated_cells(exercise)
    return [cell for cell in _cells_of_case(exercise) if picked is None or (cell[0].pk, cell[1].pk) in picked]


def _context(viewer: Viewer, **extra: Any) -> dict[str, Any]:
    exercise = viewer.exercise
    seen = visibility(viewer)
    mine = own_impacts(viewer.participant, exercise.current_round)
    rows = [
        {"index": i, "source": source, "target": target, "value": mine.get((source.pk, target.pk))}
        for i, (source, target) in enumerate(_cells(exercise))
    ]
    return {
        "exercise": exercise,
        "viewer": viewer,
        "can_judge": viewer.can_judge and viewer.participant is not None,
        "open": not exercise.facilitated or exercise.phase == Phase.IMPACTS,
        "limit": IMPACT_LIMIT,
        "rows": rows,
        "group": group_impacts(exercise, visibility=seen),
        "withheld": seen.withheld,
        **extra,
    }


def impacts(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """A participant's cross-impact ratings, and the group's matrix once the policy shows it."""
    viewer = get_viewer(request, exercise_id)
    if viewer.participant is None and viewer.can_judge and not viewer.can_facilitate:
        viewer = replace(viewer, participant=judge(viewer))
    return render(request, TEMPLATE, _context(viewer))


def _state(exercise: Exercise, raw: str | None) -> DriverState:
    try:
        pk = int((raw or "").strip())
    except ValueError:
        pk = None
    state = (
        DriverState.objects.select_related("driver").filter(pk=pk, driver__case_id=exercise.case_id).first()
        if pk is not None
        else None
    )
    if state is None:
        raise ValidationError(_("Unknown state: choose states of this case's drivers."), code="unknown")
    return state


@require_POST
def impact_rate(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """One cell rated (htmx): answers with the cell's status, saved or why not."""
    viewer = get_viewer(request, exercise_id)
    try:
        source = _state(viewer.exercise, request.POST.get("source"))
        target = _state(viewer.exercise, request.POST.get("target"))
        value = parse_impact_value(request.POST.get("value"))
        record_impact(viewer=viewer, source=source, target=target, value=value)
    except ValidationError as exc:
        return render(request, f"{TEMPLATE}#rate-status", {"error": exc.messages[0]}, status=422)
    return render(request, f"{TEMPLATE}#rate-status", {})


def _facilitator(request: HttpRequest, exercise_id: int) -> Viewer:
    viewer = get_viewer_for_user(request.user, exercise_id)
    if not viewer.can_facilitate:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    return viewer


@login_required
def impact_group(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The facilitator's view of the phase: which cells the group rates (changed by POST), the group's matrix."""
    viewer = _facilitator(request, exercise_id)
    exercise = viewer.exercise
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            pairs = []
            for raw in request.POST.getlist("cell"):
                source_id, _sep, target_id = raw.partition("-")
                pairs.append((_state(exercise, source_id), _state(exercise, target_id)))
            pick_impact_cells(viewer=viewer, cells=pairs, expected_version=version)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The cells put to the group were saved."))
        return redirect("workshop-impact-group", exercise_id=exercise.pk)
    picked = rated_cells(exercise)
    choices: dict[int, tuple[Any, list[tuple[DriverState, DriverState, bool]]]] = {}
    for source, target in _cells_of_case(exercise):
        entry = choices.setdefault(source.driver_id, (source.driver, []))
        entry[1].append((source, target, picked is not None and (source.pk, target.pk) in picked))
    context = {
        "exercise": exercise,
        "cell_groups": list(choices.values()),
        "picked_count": len(picked or ()),
        "all_picked": picked is None,
        "group": group_impacts(exercise, visibility=visibility(viewer)),
    }
    return render(request, "policies/workshop_impact_group.html", context)
