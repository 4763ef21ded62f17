"""Joining a live workshop with its code or link: as the signed-in user, or as a guest with a display name."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from policies.client_address import client_address
from policies.models import Membership, Participant
from policies.selectors.access import JUDGING_ROLES, remember_joined
from policies.services import join_throttle
from policies.services import workshop as services
from policies.services.participants import join_as_guest, participant_for_user


def _client_address(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def _too_many_codes(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "policies/workshop_join.html",
        {
            "error": _(
                "Too many wrong codes from this network. Check the code and try again in a few minutes."
            ),
            "code": "",
        },
        status=429,
    )
    response["Retry-After"] = str(join_throttle.seconds_left())
    return response


def join(request: HttpRequest, code: str = "") -> HttpResponse:
    """Join a workshop with its code or link: as the logged-in user, or as a guest with a display name.

    A signed-in member of the exercise's team takes part with their role; anyone else holding the code joins
    as a guest of this one exercise."""
    if not join_throttle.may_try(_client_address(request)):
        return _too_many_codes(request)
    raw = request.POST.get("code", code) if request.method == "POST" else code
    exercise = services.exercise_for_code(raw) if raw else None
    context: dict[str, Any] = {"code": services.normalize_code(raw), "exercise": exercise, "error": None}
    if raw and exercise is None:
        if join_throttle.record_failure(_client_address(request)):
            return _too_many_codes(request)
        context["error"] = _("This code does not open any workshop: it may be mistyped, expired or closed.")
        return render(request, "policies/workshop_join.html", context, status=404 if code else 422)
    if request.method != "POST" or exercise is None or "join" not in request.POST:
        # First step (code typed or link opened): show the workshop and how one will appear in it.
        return render(request, "policies/workshop_join.html", context)
    participant: Participant
    if request.user.is_authenticated:
        role = (
            Membership.objects.filter(user_id=request.user.pk, team_id=exercise.team_id)
            .values_list("role", flat=True)
            .first()
        )
        if role is not None and role not in JUDGING_ROLES:
            # An observer follows the workshop as a member; the code does not make them a participant.
            return redirect("workshop-play", exercise_id=exercise.pk)
        participant = participant_for_user(exercise=exercise, user_id=request.user.pk, guest=role is None)
    else:
        try:
            participant = join_as_guest(exercise=exercise, display_name=request.POST.get("name", ""))
        except ValidationError as exc:
            context["error"] = exc.messages[0]
            return render(request, "policies/workshop_join.html", context, status=422)
    remember_joined(request, participant)
    return redirect("workshop-play", exercise_id=exercise.pk)
