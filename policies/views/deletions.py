"""Delete a whole case or exercise after reading what goes with it, and restore it from the team's list of
recently deleted things. Every write goes through `policies.services.deletions`; who may act, through
`policies.selectors.access`."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.models import Case, DeletedItem, Exercise, Team
from policies.selectors.access import (
    CASE_EDITING_ROLES,
    FACILITATING_ROLES,
    get_case_for_user,
    get_exercise_for_user,
    get_team_for_user,
    require_role,
)
from policies.services.audit import address_of
from policies.services.case_editing import StaleEdit
from policies.services.deletions import (
    case_account,
    delete_case,
    delete_exercise,
    deleted_cases,
    deleted_exercises,
    exercise_account,
    restore_case,
    restore_exercise,
)


def _stale() -> str:
    return _("Someone else changed it since you opened this page: check it again before deleting.")


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _confirm_deletion(
    request: HttpRequest,
    *,
    target: Case | Exercise,
    team: Team,
    delete: Callable[[int | None], object],
    deleted: str,
    gone_to: HttpResponse,
    heading: str,
    account: object,
    back_url_name: str,
) -> HttpResponse:
    """The one flow of deleting a whole case or exercise: GET shows what goes with it and asks; POST deletes
    from the version the page was read at (a stale page answers 409 and deletes nothing), says `deleted` and
    goes to `gone_to`."""
    error = ""
    if request.method == "POST":
        try:
            delete(_posted_version(request))
        except StaleEdit:
            error = _stale()
        else:
            messages.success(request, deleted)
            return gone_to
    context = {
        "object": target,
        "team": team,
        "heading": heading,
        "account": account,
        "back_url_name": back_url_name,
        "error": error,
        "restore_days": DeletedItem.RESTORE_DAYS,
    }
    return render(request, "policies/delete_whole.html", context, status=409 if error else 200)


@login_required
def case_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    """GET: what deleting the case hides with it, and a confirmation; POST: delete, restorable for a while."""
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    return _confirm_deletion(
        request,
        target=case,
        team=membership.team,
        delete=lambda version: delete_case(
            case=case, user=request.user, version=version, address=address_of(request)
        ),
        deleted=_("Deleted the case “%(case)s”. Its team's editors can restore it for %(days)s days.")
        % {"case": str(case), "days": DeletedItem.RESTORE_DAYS},
        gone_to=redirect("team", slug=membership.team.slug),
        heading=_("Delete the case “%(case)s”?") % {"case": str(case)},
        account=case_account(case),
        back_url_name="case",
    )


@login_required
def exercise_delete(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """GET: what deleting the exercise hides with it, and a confirmation; POST: delete, restorable."""
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    require_role(membership, FACILITATING_ROLES)
    return _confirm_deletion(
        request,
        target=exercise,
        team=exercise.team,
        delete=lambda version: delete_exercise(
            exercise=exercise, user=request.user, version=version, address=address_of(request)
        ),
        deleted=_("Deleted the exercise “%(exercise)s”. Its facilitators can restore it for %(days)s days.")
        % {"exercise": str(exercise), "days": DeletedItem.RESTORE_DAYS},
        gone_to=redirect("case", case_id=exercise.case_id),
        heading=_("Delete the exercise “%(exercise)s”?") % {"exercise": str(exercise)},
        account=exercise_account(exercise),
        back_url_name="exercise",
    )


@login_required
def team_deleted(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's cases (for its editors) and exercises (for its facilitators) deleted recently enough to be
    restored."""
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    can_restore_exercises = membership.role in FACILITATING_ROLES
    context = {
        "team": team,
        "membership": membership,
        "cases": deleted_cases(team),
        "exercises": deleted_exercises(team) if can_restore_exercises else None,
        "restore_days": DeletedItem.RESTORE_DAYS,
    }
    return render(request, "policies/team_deleted.html", context)


@login_required
@require_POST
def case_restore(request: HttpRequest, slug: str, case_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, CASE_EDITING_ROLES)
    case = get_object_or_404(deleted_cases(team), pk=case_id)
    try:
        restore_case(case=case, user=request.user, address=address_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("team-deleted", slug=team.slug)
    messages.success(request, _("Restored the case “%(case)s”.") % {"case": str(case)})
    return redirect("case", case_id=case.pk)


@login_required
@require_POST
def exercise_restore(request: HttpRequest, slug: str, exercise_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, FACILITATING_ROLES)
    exercise = get_object_or_404(deleted_exercises(team), pk=exercise_id)
    try:
        restore_exercise(exercise=exercise, user=request.user, address=address_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("team-deleted", slug=team.slug)
    messages.success(request, _("Restored the exercise “%(exercise)s”.") % {"exercise": str(exercise)})
    return redirect("exercise", exercise_id=exercise.pk)
