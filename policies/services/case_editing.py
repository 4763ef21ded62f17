"""Create, edit, delete, restore, reorder, duplicate and revert the items of a case, and its header.

The one write path for case content, whatever the entry point (the editor's pages, the paste preview, the API).
Every edit carries the version of the row it was made from: a save made from an older version is refused with
`StaleEdit`, which names the fields that differ, so one person's change never silently erases another's.
Item kinds with a history (django-simple-history) keep every save.
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Manager, Max, Model, QuerySet
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from policies.case_forms import BilingualModelForm, CaseItemForm
from policies.models import Case, Criterion, DeletedItem, Driver, DriverState, Option, ReferenceValue, Team
from policies.models.fields import column_field, localize

# The kinds of item, as named in URLs and in the API, and their models.
KINDS: dict[str, type[Model]] = {}


def _register_kinds() -> None:
    from policies.case_forms import FORMS

    for kind, form in FORMS.items():
        KINDS[kind] = form._meta.model


_register_kinds()


class StaleEdit(Exception):
    """A save made from an older version than the one stored: someone else saved in between.

    conflicts: the fields whose stored value differs from the one being saved.
    since: the fields changed since the version the edit was made from, read from the item's history (empty
        for kinds without one).
    """

    def __init__(
        self, *, current: Model, conflicts: list["Conflict"], since: list["Conflict"] | None = None
    ) -> None:
        super().__init__("stale edit")
        self.current = current
        self.conflicts = conflicts
        self.since = since or []

    @property
    def version(self) -> int:
        return int(getattr(self.current, "version", 0))


@dataclass(frozen=True)
class Conflict:
    """A field whose stored value differs from the one being saved."""

    field: str
    label: str
    saved: str
    yours: str


@dataclass(frozen=True)
class Dependant:
    """What deleting an item takes along: `count` rows of one kind."""

    label: str
    count: int


def unique_key(queryset: QuerySet[Any], base: str) -> str:
    """A slug not yet used in `queryset`: base, base-2, base-3, ..."""
    base = (slugify(base) or "item")[:70]
    taken = set(queryset.filter(key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def siblings(item: Any) -> QuerySet[Any]:
    """The rows an item is numbered among: a driver's states, a group's criteria, else the case's items."""
    manager: Manager[Any] = type(item)._default_manager
    if isinstance(item, DriverState):
        return manager.filter(driver_id=item.driver_id)
    if isinstance(item, Criterion):
        return manager.filter(case_id=item.case_id, parent_id=item.parent_id)
    return manager.filter(case_id=item.case_id)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return " / ".join(f"{lang}: {text}" for lang, text in value.items() if text)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


def _conflicts(form: BilingualModelForm[Any], stored: Model) -> list[Conflict]:
    """The fields of the form whose stored value differs from the posted one."""
    names = [*form.bilingual, *(n for n in form._meta.fields or [] if n in form.fields)]
    conflicts = []
    for name in names:
        field = stored._meta.get_field(name)
        if field.many_to_many:
            saved: Any = set(getattr(stored, name).all())
            yours: Any = set(form.cleaned_data.get(name) or [])
        elif name in form.bilingual:
            saved = {k: v for k, v in (getattr(stored, name) or {}).items() if v}
            yours = {
                lang: form.cleaned_data[f"{name}_{lang}"].strip()
                for lang in ("en", "fr")
                if form.cleaned_data.get(f"{name}_{lang}", "").strip()
            }
        else:
            saved, yours = getattr(stored, name), form.cleaned_data.get(name)
        if saved != yours:
            label = str(getattr(field, "verbose_name", name))
            conflicts.append(Conflict(name, label.capitalize(), _show(saved), _show(yours)))
    return conflicts


def _lock_fresh(row: Model) -> Any:
    """The stored row, locked until the end of the transaction, so two saves cannot both pass the check."""
    return type(row)._default_manager.select_for_update().get(pk=row.pk)


def check_version(form: BilingualModelForm[Any], stored: Model) -> None:
    """Refuse a save made from another version than the stored one."""
    version = form.cleaned_data.get("version")
    current = int(getattr(stored, "version", 0))
    if version != current:
        raise StaleEdit(
            current=stored, conflicts=_conflicts(form, stored), since=changes_since(stored, version)
        )


def changes_since(stored: Model, version: int | None) -> list[Conflict]:
    """The fields changed between `version` and the stored row, from the item's history."""
    history = getattr(stored, "history", None)
    if history is None or version is None:
        return []
    then = history.filter(version=version).order_by("-history_id").first()
    now = history.order_by("-history_id").first()
    if then is None or now is None or then.pk == now.pk:
        return []
    changes = []
    for change in now.diff_against(then).changes:
        if change.field in {"position", "version"}:
            continue
        label = str(column_field(type(stored), change.field).verbose_name).capitalize()
        changes.append(Conflict(change.field, label, _show(change.new), _show(change.old)))
    return changes


def _texts(item: Model) -> str:
    for name in ("name", "text", "title"):
        value = getattr(item, name, None)
        if value:
            return localize(value, "en")
    return ""


@transaction.atomic
def save_case_item[Item: Model](*, case: Case, form: CaseItemForm[Item]) -> Item:
    """Save a validated form. A new item gets a key from its name and goes to the end of its list; an edit must
    carry the stored version (else `StaleEdit`) and raises it by one."""
    item = form.save(commit=False)
    row: Any = item  # every kind has a key, a position and a version
    if row.pk is None:
        if not isinstance(item, DriverState):
            row.case = case
        rows = siblings(row)
        row.key = unique_key(rows, _texts(item))
        row.position = (rows.aggregate(top=Max("position"))["top"] or 0) + 1
        row.version = 1
    else:
        stored = _lock_fresh(item)
        check_version(form, stored)
        if isinstance(item, Criterion) and item.parent_id != stored.parent_id:
            # Moved into or out of a group: numbered at the end of its new list.
            row.position = (siblings(row).aggregate(top=Max("position"))["top"] or 0) + 1
        row.version = int(stored.version) + 1
    item.save()
    form.save_m2m()
    return item


@transaction.atomic
def save_case_header(*, case: Case, form: BilingualModelForm[Case]) -> Case:
    stored = _lock_fresh(case)
    check_version(form, stored)
    updated = form.save(commit=False)
    updated.version = int(stored.version) + 1
    updated.save()
    return updated


@transaction.atomic
def create_case(*, team: Team, form: BilingualModelForm[Case]) -> Case:
    """A new empty case of `team`: no placeholder option nor criterion."""
    case = form.save(commit=False)
    case.team = team
    # A deleted case keeps its identifier (it may be restored): a new one avoids it too.
    case.key = unique_key(Case.all_objects.filter(team=team), localize(case.title, "en") or "case")
    case.version = 1
    case.save()
    return case


# -- delete and restore -----------------------------------------------------------------------------------


def _collector(item: Model) -> Collector:
    collector = Collector(using="default", origin=item)
    collector.collect([item])
    return collector


def _label(model: type[Model]) -> str:
    if model._meta.auto_created:
        # The link table of a many-to-many field: name both sides.
        sides = [
            str(f.related_model._meta.verbose_name_plural)
            for f in model._meta.get_fields()
            if f.many_to_one and f.related_model is not None and not isinstance(f.related_model, str)
        ]
        return _("links between %(a)s and %(b)s") % {"a": sides[0], "b": sides[-1]}
    return str(model._meta.verbose_name_plural)


def _collected(item: Model) -> list[Model]:
    """Every row deleting `item` removes, in the order they can be saved back (parents first)."""
    collector = _collector(item)
    collector.sort()
    rows: list[Model] = []
    for _model, instances in reversed(list(collector.data.items())):
        rows.extend(instances)
    for queryset in collector.fast_deletes:
        rows.extend(queryset)
    return rows


def dependants(item: Model) -> tuple[list[Dependant], list[str]]:
    """What deleting `item` would take along (judgments, states, links), and what stops it (evidence citing a
    source): the account a person reads before confirming."""
    try:
        rows = _collected(item)
    except ProtectedError as error:
        blocking = sorted({str(row) for row in error.protected_objects})
        return [], blocking
    counts = Counter(type(row) for row in rows if row != item)
    return [Dependant(_label(model), count) for model, count in counts.items()], []


@transaction.atomic
def delete_case_item(
    *, case: Case, kind: str, item: Model, user: User | AnonymousUser | None, version: int | None
) -> DeletedItem:
    """Delete an item and all that depends on it, keeping a copy that `restore_deleted_item` puts back."""
    stored = _lock_fresh(item)
    if version is not None and version != getattr(stored, "version", version):
        raise StaleEdit(current=stored, conflicts=[])
    try:
        rows = _collected(stored)
    except ProtectedError as error:
        blocking = ", ".join(sorted({str(row) for row in error.protected_objects}))
        raise ValidationError(
            _("Other items cite this one: %(items)s. Delete them or point them elsewhere first.")
            % {"items": blocking},
            code="protected",
        ) from error
    found, _blocking = dependants(stored)
    deleted = DeletedItem.objects.create(
        case=case,
        kind=kind,
        label=str(stored)[:300],
        rows=json.loads(serializers.serialize("json", rows)),
        account=[[d.label, d.count] for d in found],
        deleted_by=user if isinstance(user, User) else None,
    )
    stored.delete()
    return deleted


def restore_since(now: datetime | None = None) -> datetime:
    """The oldest deletion that may still be restored: the one window for case items, whole cases and
    exercises (policies.services.deletions)."""
    return (now or timezone.now()) - timedelta(days=DeletedItem.RESTORE_DAYS)


def restorable_until(deleted: datetime) -> datetime:
    """The last moment a thing deleted at `deleted` may be restored: the same window as `restore_since`."""
    return deleted + timedelta(days=DeletedItem.RESTORE_DAYS)


def restorable(case: Case) -> QuerySet[DeletedItem]:
    return case.deleted_items.filter(deleted_at__gte=restore_since())


@transaction.atomic
def restore_deleted_item(*, deleted: DeletedItem) -> None:
    """Put a deleted item back with everything its deletion took along; refuse (without change) when a newer
    item took its identifier or a row it points to is gone."""
    objects = list(serializers.deserialize("python", list(deleted.rows), ignorenonexistent=True))
    try:
        with transaction.atomic():
            for restored in objects:
                model = type(restored.object)
                if model._meta.auto_created:
                    values = {
                        f.attname: getattr(restored.object, f.attname)
                        for f in model._meta.concrete_fields
                        if not f.primary_key
                    }
                    model._default_manager.get_or_create(**values)
                    continue
                restored.save()
    except IntegrityError as error:
        raise ValidationError(
            _(
                "“%(item)s” cannot be restored: another item now uses its identifier, or something it "
                "refers to was deleted since. Rename that item, or restore what it refers to first."
            )
            % {"item": deleted.label},
            code="conflict",
        ) from error
    deleted.delete()


# -- order, duplicates, earlier versions ------------------------------------------------------------------


@transaction.atomic
def move_case_item(*, item: Model, position: int) -> None:
    """Put `item` at `position` (1-based, clamped) among its siblings and number them 1..n."""
    ordered = [
        row for row in siblings(item).select_for_update().order_by("position", "pk") if row.pk != item.pk
    ]
    position = max(1, min(position, len(ordered) + 1))
    ordered.insert(position - 1, item)
    for number, row in enumerate(ordered, start=1):
        if row.position != number:
            type(row)._default_manager.filter(pk=row.pk).update(position=number)


@transaction.atomic
def reorder_case_items(*, rows: list[Model]) -> None:
    """Number `rows` (siblings, in their new order) 1..n."""
    for number, row in enumerate(rows, start=1):
        type(row)._default_manager.filter(pk=row.pk).update(position=number)


def _copy_name(value: Any) -> Any:
    if isinstance(value, dict):
        suffix = {"en": " (copy)", "fr": " (copie)"}
        return {lang: f"{text}{suffix.get(lang, ' (copy)')}" for lang, text in value.items() if text}
    return f"{value} (copy)" if value else value


@transaction.atomic
def duplicate_case_item[Item: Model](*, item: Item) -> Item:
    """A copy of `item` just after it, with its links (and a driver's states); named "… (copy)"."""
    source: Any = type(item)._default_manager.get(pk=item.pk)
    links = {f.name: list(getattr(source, f.name).all()) for f in source._meta.many_to_many}
    copy: Any = type(item)._default_manager.get(pk=item.pk)
    copy.pk = None
    copy._state.adding = True
    shown = next(name for name in ("name", "title", "text") if hasattr(copy, name))
    setattr(copy, shown, _copy_name(getattr(copy, shown)))
    rows = siblings(source)
    copy.key = unique_key(rows, f"{source.key}-copy")
    copy.version = 1
    copy.save()
    for name, related in links.items():
        getattr(copy, name).set(related)
    move_case_item(item=copy, position=int(source.position) + 1)
    if isinstance(source, Driver):
        assert isinstance(copy, Driver)
        for state in source.states.all():
            DriverState.objects.create(
                driver=copy,
                key=state.key,
                name=state.name,
                description=state.description,
                position=state.position,
            )
    duplicate: Item = copy
    return duplicate


# Fields a revert leaves as they are: where the item sits, and what is not content.
REVERT_KEEPS = frozenset(
    {
        "id",
        "case",
        "team",
        "driver",
        "key",
        "position",
        "version",
        "created",
        "updated",
        "deleted",
        "deleted_by",
    }
)


@transaction.atomic
def revert_case_item[Item: Model](*, item: Item, history_id: int, version: int | None) -> Item:
    """Give `item` (any item kind, or the case itself for its header) the values it had in an earlier version
    from its history (links excepted: the history keeps fields, not links), as a new version. What places the
    item (its case or driver, its key, its position) and the case's bookkeeping stay as they are."""
    stored = _lock_fresh(item)
    if version is not None and version != stored.version:
        raise StaleEdit(current=stored, conflicts=[])
    record = stored.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError(_("That version is not in this item's history."), code="unknown")
    skip = REVERT_KEEPS
    for field in stored._meta.concrete_fields:
        if field.name in skip or field.primary_key:
            continue
        setattr(stored, field.attname, getattr(record, field.attname))
    stored.version = int(stored.version) + 1
    stored.full_clean(validate_unique=False, exclude=["case", "key", "team", "driver"])
    stored.save()
    reverted: Item = stored
    return reverted


@transaction.atomic
def save_reference_values(*, case: Case, values: Iterable[tuple[Option, Criterion, float]]) -> int:
    """Set the case's reference value of each (option, criterion) given; cells not given keep theirs. The
    option and criterion must be the case's own (a scored criterion, not a group)."""
    count = 0
    for option, criterion, value in values:
        if option.case_id != case.pk or criterion.case_id != case.pk or criterion.is_group:
            raise ValidationError(_("This cell is not part of the case."), code="invalid")
        ReferenceValue.objects.update_or_create(
            option=option, criterion=criterion, defaults={"case": case, "value": value}
        )
        count += 1
    return count
