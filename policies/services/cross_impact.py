"""Write a case's cross-impact matrix: one cell, a whole file (ScenarioWizard or CSV), and promote its scenarios.

Every write of a case's cross-impacts goes through here, whatever the entry point (the grid, the cell's form,
an imported file, the case file), so the rules hold once: impacts link states of two different drivers of the
case, they are whole numbers within ±IMPACT_LIMIT, and evidence belongs to the same case.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import override

from policies.casefile.scenariowizard import CrossImpactMatrix, Descriptor, Variant
from policies.casefile.schema import IMPACT_LIMIT
from policies.models import Case, CrossImpact, Driver, DriverState, Evidence, Scenario, ScenarioOrigin
from policies.models.fields import localize
from policies.selectors.cross_impact import case_impact_matrix, scenario_balances
from policies.selectors.scenario_space import case_drivers
from policies.services.scenarios import _unique_key, checked_promotion


def parse_impact_value(raw: str | None) -> int:
    """Read an impact typed in the grid: a whole number ("+2", "-1", " 0 "; the minus sign U+2212 too), empty = 0."""
    text = (raw or "").strip().replace("−", "-")
    if not text:
        return 0
    try:
        value = int(text)
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not a whole number from -%(limit)d to +%(limit)d.")
            % {"value": text, "limit": IMPACT_LIMIT},
            code="invalid",
        ) from exc
    return value


def check_impact_value(value: int) -> None:
    """Refuse what is not an impact (a whole number within ±IMPACT_LIMIT): the case's matrix and the workshop's
    ratings take the same values."""
    if isinstance(value, bool) or not isinstance(value, int) or not -IMPACT_LIMIT <= value <= IMPACT_LIMIT:
        raise ValidationError(
            _("An impact is a whole number from -%(limit)d to +%(limit)d; got %(value)s.")
            % {"limit": IMPACT_LIMIT, "value": value},
            code="out_of_range",
        )


def check_impact_cell(case: Case, source: DriverState, target: DriverState) -> None:
    """Refuse a cell that is not one of `case`'s matrix: states of another case, or two states of one driver."""
    if source.driver.case_id != case.pk or target.driver.case_id != case.pk:
        raise ValidationError(_("This state does not belong to the case."), code="invalid")
    if source.driver_id == target.driver_id:
        raise ValidationError(
            _(
                "Both states belong to the driver “%(driver)s”: an impact links states of two different drivers."
            )
            % {"driver": localize(source.driver.name) or source.driver.key},
            code="same_driver",
        )


@transaction.atomic
def set_impact(
    *,
    case: Case,
    source: DriverState,
    target: DriverState,
    value: int,
    reason: dict[str, str] | None = None,
    illustrative: bool | None = None,
    evidence: Iterable[Evidence] | None = None,
) -> CrossImpact | None:
    """Set the impact of `source` on `target` (states of two different drivers of the case).

    `reason`, `illustrative` and `evidence` replace what the cell holds when given and are kept otherwise.
    A cell of 0 with no reason and no evidence says nothing, so its row is deleted and None returned; a 0
    with a reason is a judgment ("no impact, because...") and is kept.
    """
    check_impact_cell(case, source, target)
    check_impact_value(value)
    evidence_list = None if evidence is None else list(evidence)
    if evidence_list is not None and any(item.case_id != case.pk for item in evidence_list):
        raise ValidationError(_("Cite evidence of this case only."), code="invalid")
    row = CrossImpact.objects.select_for_update().filter(source=source, target=target).first()
    kept_reason = reason if reason is not None else (row.reason if row else {})
    kept_evidence = evidence_list if evidence_list is not None else (list(row.evidence.all()) if row else [])
    if value == 0 and not any(kept_reason.values()) and not kept_evidence:
        if row is not None:
            row.delete()
        return None
    if row is None:
        row = CrossImpact(case=case, source=source, target=target)
    row.value = value
    row.reason = {code: text for code, text in kept_reason.items() if text}
    if illustrative is not None:
        row.illustrative = illustrative
    row.save()
    row.evidence.set(kept_evidence)
    return row


# --------------------------------------------------------------------------------------------------------------
# Files: ScenarioWizard (.scw) and CSV
# --------------------------------------------------------------------------------------------------------------


def export_matrix(case: Case, *, language: str | None = None) -> CrossImpactMatrix:
    """The case's matrix as plain data for a file: ids are the keys, names in `language`."""
    matrix = case_impact_matrix(case)
    with override(language):
        descriptors = tuple(
            Descriptor(
                id=driver.key,
                name=localize(driver.name) or driver.key,
                variants=tuple(
                    Variant(id=state.key, name=localize(state.name) or state.key)
                    for state in driver.states.all()
                ),
            )
            for driver in matrix.drivers
        )
        title = localize(case.title) or case.key
    impacts = tuple(tuple(int(v) for v in row) for row in matrix.impacts.tolist())
    return CrossImpactMatrix(descriptors=descriptors, impacts=impacts, title=title)


def _names(item: Driver | DriverState) -> set[str]:
    """What a file may call a driver or a state: its key, or its name in any language, case and spaces aside."""
    names = {item.key.casefold()}
    if isinstance(item.name, dict):
        names |= {str(text).strip().casefold() for text in item.name.values() if text}
    return names


def _match[T: (Driver, DriverState)](wanted: Sequence[T], found_id: str, found_name: str) -> T | None:
    keys = {found_id.strip().casefold(), found_name.strip().casefold()} - {""}
    matches = [item for item in wanted if _names(item) & keys]
    return matches[0] if len(matches) == 1 else None


def _matched_states(case: Case, matrix: CrossImpactMatrix) -> list[DriverState]:
    """The case's state for every row of the file, in the file's order; a file that does not fit is refused.

    A file fits when it names every driver of the case once, and, for each, every state once (by key or by
    name, in any order). Nothing is created: drivers and states are edited in the case, the file brings impacts.
    """
    drivers = case_drivers(case)
    errors: list[str] = []
    seen: set[int] = set()
    states: list[DriverState] = []
    for descriptor in matrix.descriptors:
        driver = _match(drivers, descriptor.id, descriptor.name)
        if driver is None or driver.pk in seen:
            errors.append(
                _("The file's driver “%(name)s” is not a driver of this case, or names one twice.")
                % {"name": descriptor.name or descriptor.id}
            )
            continue
        seen.add(driver.pk)
        own = list(driver.states.all())
        picked: set[int] = set()
        for variant in descriptor.variants:
            state = _match(own, variant.id, variant.name)
            if state is None or state.pk in picked:
                errors.append(
                    _(
                        "The file's state “%(state)s” is not a state of the driver “%(driver)s”, or is named twice."
                    )
                    % {"state": variant.name or variant.id, "driver": localize(driver.name) or driver.key}
                )
                continue
            picked.add(state.pk)
            states.append(state)
        if not errors and len(picked) != len(own):
            missing = [localize(s.name) or s.key for s in own if s.pk not in picked]
            errors.append(
                _("The file leaves out states of the driver “%(driver)s”: %(states)s.")
                % {"driver": localize(driver.name) or driver.key, "states": ", ".join(missing)}
            )
    for driver in drivers:
        if driver.pk not in seen and not errors:
            errors.append(
                _("The file leaves out the driver “%(driver)s”.")
                % {"driver": localize(driver.name) or driver.key}
            )
    if errors:
        raise ValidationError(errors, code="mismatch")
    return states


@transaction.atomic
def import_matrix(*, case: Case, matrix: CrossImpactMatrix) -> int:
    """Replace the case's impacts by a file's, matched to the case's drivers and states by key or name.

    Reasons and evidence of cells the file keeps are kept (the file carries numbers only); a cell the file
    sets to 0 keeps its row only if it has a reason or evidence. Returns the number of non-zero impacts.
    Refuses, writing nothing, a file whose drivers or states do not match the case's, or whose impacts are
    out of range (the first such cell is named).
    """
    states = _matched_states(case, matrix)
    for u, row in enumerate(matrix.impacts):
        for v, value in enumerate(row):
            if value and states[u].driver_id != states[v].driver_id:
                try:
                    check_impact_value(value)
                except ValidationError as exc:
                    raise ValidationError(
                        _("Row %(row)d, column %(column)d: %(reason)s")
                        % {"row": u + 1, "column": v + 1, "reason": exc.messages[0]},
                        code="out_of_range",
                    ) from exc
    existing = {(row.source_id, row.target_id): row for row in CrossImpact.objects.filter(case=case)}
    written = 0
    for u, row in enumerate(matrix.impacts):
        for v, value in enumerate(row):
            source, target = states[u], states[v]
            if source.driver_id == target.driver_id:
                continue
            if value or (source.pk, target.pk) in existing:
                set_impact(case=case, source=source, target=target, value=value)
            written += bool(value)
    return written


# --------------------------------------------------------------------------------------------------------------
# From a consistent scenario to a case's scenario
# --------------------------------------------------------------------------------------------------------------


def narrative_skeleton(states: Sequence[DriverState]) -> str:
    """A first draft of a scenario's story from its states, one sentence per driver, for the analyst to rewrite."""
    lines = [
        _("%(driver)s: %(state)s.")
        % {"driver": localize(s.driver.name) or s.driver.key, "state": localize(s.name) or s.key}
        for s in states
    ]
    return "\n".join(
        [_("A future in which every driver sits in the state the others push it towards:"), *lines]
    )


@transaction.atomic
def promote_cib_scenario(
    *, case: Case, states: Sequence[DriverState], name: str, plausibility: int, language: str
) -> Scenario:
    """Make a case's scenario of a scenario consistent in the case's cross-impact matrix.

    The states must be one of every driver and form a consistent scenario of the matrix as it stands (checked
    here, so a stale page cannot promote a scenario the matrix no longer supports). The scenario is marked as
    coming from cross-impact balance analysis and gets a narrative skeleton generated from its states.
    """
    name = checked_promotion(name, plausibility, language)
    matrix = case_impact_matrix(case)
    if matrix.field_error:
        raise ValidationError(matrix.field_error, code="incomplete")
    indices = matrix.local_indices(states)
    if indices is None:
        raise ValidationError(_("Choose one state of every driver of the case."), code="incomplete")
    if not scenario_balances(matrix, indices).consistent:
        raise ValidationError(
            _("This scenario is not consistent in the cross-impact matrix as it stands."), code="inconsistent"
        )
    ordered = matrix.states_of(indices)
    with override(language):
        narrative = narrative_skeleton(ordered)
    last = case.scenarios.aggregate(last=Max("position"))["last"]
    scenario = Scenario.objects.create(
        case=case,
        key=_unique_key(case, name),
        position=0 if last is None else last + 1,
        name={language: name},
        narrative={language: narrative},
        plausibility=plausibility,
        origin=ScenarioOrigin.CIB,
    )
    scenario.states.set(ordered)
    return scenario
