"""Write a case's cross-consistency ratings and turn a consistent combination of states into a scenario."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from policies.models import Case, DriverState, Scenario, ScenarioOrigin, StateConsistency
from policies.models.fields import localize

LOWEST, HIGHEST = -2, 2
IMPOSSIBLE = -2
KEY_LENGTH = 80
NAME_LENGTH = 200


def _label(state: DriverState) -> str:
    return f"{localize(state.driver.name) or state.driver.key}: {localize(state.name) or state.key}"


def parse_consistency_value(raw: str | None) -> int:
    """Read a rating posted by a form: a whole number from -2 to 2 ("+1" and " 2 " are fine)."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Choose a value from -2 to +2."), code="required")
    try:
        value = int(text)
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not a whole number from -2 to +2.") % {"value": text}, code="invalid"
        ) from exc
    return value


def parse_plausibility(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Choose a plausibility from 1 to 5."), code="required")
    try:
        value = int(text)
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not a plausibility from 1 to 5.") % {"value": text}, code="invalid"
        ) from exc
    if not 1 <= value <= 5:
        raise ValidationError(_("The plausibility must be from 1 to 5."), code="out_of_range")
    return value


def _check_state_of_case(case: Case, state: DriverState) -> None:
    if state.driver.case_id != case.pk:
        raise ValidationError(_("This state does not belong to the case."), code="invalid")


@transaction.atomic
def set_consistency(
    *,
    case: Case,
    state_a: DriverState,
    state_b: DriverState,
    value: int,
    note: dict[str, str] | None = None,
) -> StateConsistency | None:
    """Rate how well two states of different drivers of the case fit together, from -2 to +2.

    The pair is unordered: it is stored with the lower state id first, and a rating stored earlier in either
    order is replaced. 0 (neutral) is the default, so it deletes the row and returns None. `note` replaces
    the pair's bilingual note when given and is kept otherwise.
    """
    _check_state_of_case(case, state_a)
    _check_state_of_case(case, state_b)
    if state_a.driver_id == state_b.driver_id:
        raise ValidationError(
            _("Both states belong to the driver “%(driver)s”: rate pairs of states of different drivers.")
            % {"driver": localize(state_a.driver.name) or state_a.driver.key},
            code="same_driver",
        )
    if isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST:
        raise ValidationError(
            _("The consistency must be a whole number from -2 to +2; got %(value)s.") % {"value": value},
            code="out_of_range",
        )
    if state_a.pk > state_b.pk:
        state_a, state_b = state_b, state_a
    existing = list(
        StateConsistency.objects.select_for_update()
        .filter(case=case)
        .filter(Q(state_a=state_a, state_b=state_b) | Q(state_a=state_b, state_b=state_a))
        .order_by("pk")
    )
    if value == 0:
        for row in existing:
            row.delete()
        return None
    kept_note = note if note is not None else next((row.note for row in existing if row.note), {})
    for row in existing:
        row.delete()
    return StateConsistency.objects.create(
        case=case, state_a=state_a, state_b=state_b, value=value, note=kept_note
    )


def impossible_pairs(case: Case, states: Sequence[DriverState]) -> list[tuple[DriverState, DriverState]]:
    """The pairs among `states` rated -2 (impossible)."""
    by_pk = {state.pk: state for state in states}
    rows = StateConsistency.objects.filter(
        case=case, state_a__in=by_pk, state_b__in=by_pk, value__lte=IMPOSSIBLE
    ).values_list("state_a", "state_b")
    return [(by_pk[a], by_pk[b]) for a, b in rows]


def _unique_key(case: Case, name: str) -> str:
    base = slugify(name)[: KEY_LENGTH - 4].strip("-") or "scenario"
    taken = set(case.scenarios.filter(key__startswith=base).values_list("key", flat=True))
    key, suffix = base, 2
    while key in taken:
        key = f"{base}-{suffix}"
        suffix += 1
    return key


@transaction.atomic
def same_combination(case: Case, states: Sequence[DriverState]) -> Scenario | None:
    """The case's scenario made of exactly these states, if there is one: a combination is promoted once."""
    wanted = {state.pk for state in states}
    for scenario in case.scenarios.prefetch_related("states"):
        if {state.pk for state in scenario.states.all()} == wanted:
            return scenario
    return None


def checked_promotion(name: str | None, plausibility: int, language: str) -> str:
    """The name of a scenario about to be promoted (from the consistency matrix or from cross-impact balances),
    stripped; raises ValidationError for an empty or long name, a plausibility outside 1 to 5 or an unknown
    language, the same way whichever matrix it came from."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the scenario a name."), code="required")
    if len(name) > NAME_LENGTH:
        raise ValidationError(
            _("Keep the name under %(count)d characters.") % {"count": NAME_LENGTH}, code="too_long"
        )
    if isinstance(plausibility, bool) or not isinstance(plausibility, int) or not 1 <= plausibility <= 5:
        raise ValidationError(_("The plausibility must be from 1 to 5."), code="out_of_range")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language “%(language)s”.") % {"language": language}, code="invalid")
    return name


def promote_combination(
    *,
    case: Case,
    states: Sequence[DriverState],
    name: str,
    narrative: str,
    plausibility: int,
    language: str,
) -> Scenario:
    """Make a named scenario of a combination of states: exactly one state of every driver of the case.

    Refuses a combination holding a pair rated -2 (impossible), and one that is already a scenario. The scenario
    gets a key derived from its name (unique in the case), the last position, and its name and narrative in
    `language` ({language: text}); it is marked as coming from the consistency matrix.
    """
    name = checked_promotion(name, plausibility, language)
    narrative = (narrative or "").strip()
    for state in states:
        _check_state_of_case(case, state)
    drivers = list(case.drivers.order_by("position", "pk"))
    if not drivers:
        raise ValidationError(_("This case has no drivers to combine yet."), code="incomplete")
    chosen: dict[int, list[DriverState]] = {}
    for state in states:
        chosen.setdefault(state.driver_id, []).append(state)
    for driver in drivers:
        picked = chosen.get(driver.pk, [])
        if len(picked) != 1:
            message = (
                _("Choose a state for the driver “%(driver)s”: a scenario has one state of every driver.")
                if not picked
                else _(
                    "Choose only one state for the driver “%(driver)s”: a scenario has one state per driver."
                )
            )
            raise ValidationError(
                message % {"driver": localize(driver.name) or driver.key}, code="incomplete"
            )
    impossible = impossible_pairs(case, states)
    if impossible:
        a, b = impossible[0]
        raise ValidationError(
            _("This combination holds an impossible pair (-2): “%(a)s” with “%(b)s”.")
            % {"a": _label(a), "b": _label(b)},
            code="impossible",
        )
    twin = same_combination(case, states)
    if twin is not None:
        raise ValidationError(
            _("This combination is already the scenario “%(name)s”.")
            % {"name": localize(twin.name) or twin.key},
            code="duplicate",
        )
    last = case.scenarios.aggregate(last=Max("position"))["last"]
    scenario = Scenario.objects.create(
        case=case,
        key=_unique_key(case, name),
        position=0 if last is None else last + 1,
        name={language: name},
        narrative={language: narrative} if narrative else {},
        plausibility=plausibility,
        origin=ScenarioOrigin.CONSISTENCY,
    )
    scenario.states.set(states)
    return scenario


def posted_state(case: Case, raw: str | int | None) -> DriverState:
    """A state of one of the case's drivers, from a posted id; anything else is an unknown state."""
    try:
        pk = int(str(raw or "").strip())
    except ValueError:
        pk = None
    state = (
        DriverState.objects.select_related("driver").filter(pk=pk, driver__case=case).first()
        if pk is not None
        else None
    )
    if state is None:
        raise ValidationError(_("Unknown state: choose states of this case's drivers."), code="unknown")
    return state
