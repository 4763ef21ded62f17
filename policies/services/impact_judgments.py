"""Cross-impact ratings in a workshop: a participant rates cells of the case's matrix, the facilitator picks them.

The companion of `policies.services.judgments` for the cross-impacts phase, with the same rules at the moment
of writing: the writer is a `Viewer` allowed to judge (`judge`), a facilitated exercise takes ratings only in
the cross-impacts phase (`check_phase`), and a rating goes to the exercise's current round, so a Delphi round
re-rates the matrix while the previous round's group matrix stays visible as feedback.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from policies.models import DriverState, Exercise, ImpactJudgment, Participant
from policies.models.exercises import Phase
from policies.selectors.access import Viewer
from policies.services.cross_impact import check_impact_cell, check_impact_value
from policies.services.judgments import check_phase, judge, save_if_changed

IMPACT_PHASES = frozenset({Phase.IMPACTS})


def rated_cells(exercise: Exercise) -> set[tuple[int, int]] | None:
    """The cells participants rate, as (source id, target id); None for every cell of the case's matrix."""
    cells = {(int(a), int(b)) for a, b in exercise.impact_cells or []}
    return cells or None


@transaction.atomic
def record_impact(*, viewer: Viewer, source: DriverState, target: DriverState, value: int) -> ImpactJudgment:
    """Rate how `source` pushes `target` for the viewer, in the exercise's current round (one row per cell)."""
    participant = judge(viewer)
    exercise = Exercise.objects.select_for_update().get(pk=viewer.exercise.pk)
    check_phase(exercise, IMPACT_PHASES)
    check_impact_cell(exercise.case, source, target)
    cells = rated_cells(exercise)
    if cells is not None and (source.pk, target.pk) not in cells:
        raise ValidationError(_("The facilitator did not put this cell to the group."), code="not_picked")
    check_impact_value(value)
    return save_if_changed(
        ImpactJudgment,
        cell={
            "participant": participant,
            "source": source,
            "target": target,
            "round": exercise.current_round,
        },
        values={"value": value},
    )


@transaction.atomic
def pick_impact_cells(
    *, viewer: Viewer, cells: Iterable[tuple[DriverState, DriverState]], expected_version: int
) -> Exercise:
    """The facilitator chooses the cells the group rates (none: all of them). Bumps the exercise's version, so
    a facilitator working from a stale screen is told rather than overwriting another's choice."""
    if not viewer.can_facilitate:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    exercise = Exercise.objects.select_for_update().get(pk=viewer.exercise.pk)
    if exercise.version != expected_version:
        raise ValidationError(
            _("Someone else changed the exercise meanwhile: look again and repeat."), code="conflict"
        )
    picked: set[tuple[int, int]] = set()
    for source, target in cells:
        check_impact_cell(exercise.case, source, target)
        picked.add((source.pk, target.pk))
    exercise.impact_cells = [list(cell) for cell in sorted(picked)]
    exercise.version += 1
    exercise.save(update_fields=["impact_cells", "version"])
    return exercise


@transaction.atomic
def replace_impact_judgments(
    *, exercise: Exercise, participants: list[Participant], judgments: list[ImpactJudgment]
) -> None:
    """Replace the impact ratings of `participants` by a case file's, checked by the rules above, with history.

    The companion of `judgments.replace_judgments`: the caller (case import) has settled who may do this (a
    case file's personas, or people whose judgments a facilitator explicitly chose to replace). Rounds are the
    file's own, so no phase applies, and the cells are not held to those the facilitator picked.
    """
    people = {p.pk for p in participants}
    for judgment in judgments:
        if judgment.participant_id not in people:
            raise ValidationError(_("This person does not take part in the exercise."), code="invalid")
        check_impact_cell(exercise.case, judgment.source, judgment.target)
        check_impact_value(judgment.value)
    ImpactJudgment.objects.filter(participant__in=people).delete()
    bulk_create_with_history(judgments, ImpactJudgment)
