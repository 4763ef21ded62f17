"""Create and edit the items of a case; every save is kept in the item's history (django-simple-history)."""

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from policies.forms import CaseItemForm
from policies.models import Case, Criterion
from policies.models.cases import CaseItem
from policies.models.fields import localize


def unique_key(queryset, base: str) -> str:  # type: ignore[no-untyped-def]
    """A slug not yet used in `queryset`: base, base-2, base-3, ..."""
    base = (slugify(base) or "item")[:70]
    taken = set(queryset.filter(key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def save_case_item(*, case: Case, form: CaseItemForm) -> CaseItem:
    """Save a validated form; a new item gets a key from its name and goes to the end of its list."""
    item = form.save(commit=False)
    if item.pk is None:
        item.case = case
        siblings = type(item).objects.filter(case=case)
        label = localize(getattr(item, "name", None) or getattr(item, "text", None), "en")
        item.key = unique_key(siblings, label)
        item.position = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1
    item.save()
    form.save_m2m()
    if isinstance(item, Criterion):
        _refresh_groups(case)
    return item


def _refresh_groups(case: Case) -> None:
    """A criterion is a group exactly when another criterion names it as parent."""
    parents = Criterion.objects.filter(case=case, parent__isnull=False).values("parent_id")
    Criterion.objects.filter(case=case, pk__in=parents).update(is_group=True)
    Criterion.objects.filter(case=case).exclude(pk__in=parents).update(is_group=False)
