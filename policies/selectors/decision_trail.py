"""The decision trail: every recorded change of a weight or a score, newest first.

A value given again in a later round is a revision of the earlier round's value ("round 1: 8 -> round 2: 6"),
not a new judgment from nothing: the trail follows each cell (participant, criterion or option and criterion,
scenario) across rounds. Participants are named by the visibility policy's rule for the reader.

A history row whose value is the one the cell already held (a cell sent again as a page closed, a rationale
edited, the same value carried into the next round) is not a change of the value and is left out here, the one
place that decides it, so no screen lists "4 -> 4". Writes no longer record such rows
(policies.services.judgments); this covers those recorded before.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from policies.formatting import display_name
from policies.models import Exercise, ScoreJudgment, WeightJudgment
from policies.selectors.visibility import Visibility

TRAIL_LIMIT = 500


@dataclass(frozen=True)
class TrailEntry:
    when: datetime
    who: str
    kind: str
    cell: str
    round: int
    value: float
    previous: float | None
    previous_round: int | None
    change: str


def decision_trail(
    exercise: Exercise, visibility: Visibility, *, limit: int = TRAIL_LIMIT
) -> list[TrailEntry]:
    """The `limit` most recent changes, newest first, each with the cell's value before it (from any round)."""
    participants = {p.pk: p for p in exercise.participants.all()}
    names = {pk: visibility.label(p) for pk, p in participants.items()}
    options = {o.pk: display_name(o) for o in exercise.options.all()}
    criteria = {c.pk: display_name(c) for c in exercise.criteria.all()}
    scenarios = {s.pk: display_name(s) for s in exercise.scenarios.all()}
    labels = {"+": _("created"), "~": _("changed"), "-": _("deleted")}

    def cell_name(option_id: int | None, criterion_id: int, scenario_id: int | None) -> str:
        name = criteria.get(criterion_id, "?")
        if option_id is not None:
            name = f"{options.get(option_id, '?')} · {name}"
        if scenario_id:
            name += f" · {scenarios.get(scenario_id, '?')}"
        return name

    rows: list[tuple[datetime, int, str, int, int | None, int, int | None, int, float, str]] = []
    columns = (
        "history_date",
        "history_id",
        "participant_id",
        "criterion_id",
        "scenario_id",
        "round",
        "value",
    )
    for when, hid, p_id, c_id, s_id, round_, value, kind in WeightJudgment.history.filter(
        participant_id__in=participants
    ).values_list(*columns, "history_type"):
        rows.append((when, hid, "w", p_id, None, c_id, s_id, round_, value, kind))
    for when, hid, p_id, c_id, s_id, round_, value, o_id, kind in ScoreJudgment.history.filter(
        participant_id__in=participants
    ).values_list(*columns, "option_id", "history_type"):
        rows.append((when, hid, "s", p_id, o_id, c_id, s_id, round_, value, kind))
    rows.sort(key=lambda r: (r[0], r[2], r[1]))
    last: dict[tuple[object, ...], tuple[float, int]] = {}
    entries: list[TrailEntry] = []
    for when, _hid, kind, p_id, o_id, c_id, s_id, round_, value, history_type in rows:
        key = (kind, p_id, o_id, c_id, s_id)
        before = last.get(key)
        last[key] = (value, round_)
        if history_type != "-" and before is not None and before[0] == value:
            continue
        if history_type == "+" and before is not None and before[1] < round_:
            change = _("revised")
        else:
            change = str(labels.get(history_type, history_type))
        entries.append(
            TrailEntry(
                when=when,
                who=names.get(p_id, "?"),
                kind=_("weight") if kind == "w" else _("score"),
                cell=cell_name(o_id, c_id, s_id),
                round=round_,
                value=value,
                previous=None if before is None else before[0],
                previous_round=None if before is None else before[1],
                change=change,
            )
        )
    entries.reverse()
    return entries[:limit]
