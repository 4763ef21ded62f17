"""The projector's wall page of a live workshop: how to join (code, link and QR code), where the room stands and,
once revealed, the room's results, following the phase by polling like the participants' screens.

Only the exercise's facilitators open it (it is their screen, put on the wall), but it shows what a participant
may see: the wall is read by the whole room (policies.selectors.projector)."""

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from policies.models import Exercise
from policies.selectors.access import get_viewer_for_user
from policies.selectors.projector import wall
from policies.selectors.workshop_state import dashboard_token, phase_deadline, poll_seconds
from policies.services.workshop import apply_deadline


def _facilitated(request: HttpRequest, exercise_id: int) -> Exercise:
    viewer = get_viewer_for_user(request.user, exercise_id)
    if not viewer.can_facilitate:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    return apply_deadline(viewer.exercise)


def join_qr_code(url: str) -> SafeString:
    """The join link as an inline SVG QR code, drawn here (no online service sees the link)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        title=_("QR code of the link to join the workshop"),
    )
    # segno writes the SVG and escapes the one text in it, the title.
    return mark_safe(svg)


def _context(request: HttpRequest, exercise: Exercise) -> dict[str, object]:
    room = wall(exercise)
    join_url = (
        request.build_absolute_uri(reverse("workshop-join-code", args=[exercise.join_code]))
        if exercise.join_code
        else ""
    )
    return {
        "exercise": exercise,
        "wall": room,
        "join_url": join_url,
        "join_qr": join_qr_code(join_url) if join_url else "",
        "deadline": phase_deadline(exercise),
        "token": dashboard_token(exercise),
        "poll_seconds": max(2, poll_seconds(exercise, room.joined)),
    }


@login_required
def projector(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = _facilitated(request, exercise_id)
    return render(request, "policies/workshop_projector.html", _context(request, exercise))


@login_required
def projector_live(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The wall's poll: 204 while nothing it shows changed, else the new wall."""
    exercise = _facilitated(request, exercise_id)
    if request.GET.get("v") == dashboard_token(exercise):
        return HttpResponse(status=204)
    return render(request, "policies/workshop_projector.html#wall", _context(request, exercise))
