"""The scenario builder: rate the cross-consistency of driver states, rank their combinations, name scenarios."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.models import Case, DriverState, Membership
from policies.models.fields import localize
from policies.selectors.access import CASE_EDITING_ROLES, get_case_for_user, require_role
from policies.selectors.scenario_space import format_value, scenario_space
from policies.services.scenarios import (
    parse_consistency_value,
    parse_plausibility,
    posted_state,
    promote_combination,
    set_consistency,
)

TEMPLATE = "policies/scenario_builder.html"
DEFAULT_LIMIT = 50
LIMIT_STEP = 50
MAX_LIMIT = 1000
VALUES = [(-2, "−2"), (-1, "−1"), (0, "0"), (1, "+1"), (2, "+2")]
PLAUSIBILITIES = [1, 2, 3, 4, 5]


@dataclass
class PromoteForm:
    """What an analyst posted to promote a combination, kept to show it again with its errors."""

    state_ids: list[str]
    name: str
    narrative: str
    plausibility: str
    states: list[DriverState] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def state_pks(self) -> set[int]:
        return {state.pk for state in self.states}


def _limit(raw: str | None) -> int:
    try:
        limit = int(raw or DEFAULT_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    return max(1, min(limit, MAX_LIMIT))


def _context(case: Case, membership: Membership, *, limit: int, **extra: Any) -> dict[str, Any]:
    space = scenario_space(case, limit=limit)
    return {
        "case": case,
        "membership": membership,
        "can_edit": membership.role in CASE_EDITING_ROLES,
        "space": space,
        "limit": limit,
        "next_limit": min(limit + LIMIT_STEP, MAX_LIMIT),
        "at_max_limit": limit >= MAX_LIMIT,
        "values": VALUES,
        "plausibilities": PLAUSIBILITIES,
        **extra,
    }


@login_required
def scenario_builder(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    context = _context(case, membership, limit=_limit(request.GET.get("limit")))
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "combinations":
        # The ranked list refreshes itself after a rating is saved.
        return render(request, f"{TEMPLATE}#combinations", context)
    return render(request, TEMPLATE, context)


@login_required
@require_POST
def consistency_save(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    try:
        state_a = posted_state(case, request.POST.get("state_a"))
        state_b = posted_state(case, request.POST.get("state_b"))
        value = parse_consistency_value(request.POST.get("value"))
        set_consistency(case=case, state_a=state_a, state_b=state_b, value=value)
    except ValidationError as exc:
        return render(request, f"{TEMPLATE}#consistency-status", {"error": exc.messages[0]}, status=422)
    low, high = sorted((state_a.pk, state_b.pk))
    response = render(
        request,
        f"{TEMPLATE}#consistency-status",
        {"pair_id": f"{low}-{high}", "value": value, "label": format_value(value)},
    )
    response["HX-Trigger"] = "consistency-saved"
    return response


@login_required
@require_POST
def scenario_promote(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    form = PromoteForm(
        state_ids=request.POST.getlist("state"),
        name=request.POST.get("name", ""),
        narrative=request.POST.get("narrative", ""),
        plausibility=request.POST.get("plausibility", ""),
    )
    try:
        form.states = [posted_state(case, raw) for raw in form.state_ids]
    except ValidationError as exc:
        form.errors.append(exc.messages[0])
    if not form.state_ids:
        form.errors.append(_("Choose a combination of states to promote."))
    if not form.name.strip():
        form.errors.append(_("Give the scenario a name."))
    plausibility = 0
    try:
        plausibility = parse_plausibility(form.plausibility)
    except ValidationError as exc:
        form.errors.append(exc.messages[0])
    scenario = None
    if not form.errors:
        try:
            scenario = promote_combination(
                case=case,
                states=form.states,
                name=form.name,
                narrative=form.narrative,
                plausibility=plausibility,
                language=(get_language() or settings.LANGUAGE_CODE)[:2],
            )
        except ValidationError as exc:
            form.errors.extend(exc.messages)
    if scenario is None:
        # Shown again above the list, with what was typed and why it was refused; nothing was written.
        context = _context(case, membership, limit=_limit(request.POST.get("limit")), promote=form)
        return render(request, TEMPLATE, context, status=422)
    messages.success(request, _("The scenario “%(name)s” was created.") % {"name": localize(scenario.name)})
    return redirect(reverse("scenario-builder", args=[case.pk]))
