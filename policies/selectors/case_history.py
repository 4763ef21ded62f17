"""The edit history of a case item, as readable entries: who changed which field, when, from what to what."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[FieldChange]
    history_id: int = 0
    latest: bool = False


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return " / ".join(f"{lang}: {text}" for lang, text in value.items() if text)
    return "" if value is None else str(value)


def item_history(item: Any) -> list[HistoryEntry]:
    """Newest first; each change compared with the record before it."""
    records = list(item.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries: list[HistoryEntry] = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in {"position", "version"}:
                    continue
                label = str(item._meta.get_field(change.field).verbose_name)
                changes.append(FieldChange(label, _show(change.old), _show(change.new)))
        who = record.history_user.get_username() if record.history_user else ""
        entries.append(
            HistoryEntry(
                record.history_date,
                who,
                record.history_type,
                changes,
                history_id=record.history_id,
                latest=not entries,
            )
        )
    return entries
