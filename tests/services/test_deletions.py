"""A deleted case or exercise keeps its identifier until it is purged: imports and new items work around it
instead of failing on the database's uniqueness rule."""

from pathlib import Path

import pytest

from policies.casefile.validation import parse_case_file
from policies.models import Case, Exercise, Role
from policies.services.case_editing import StaleEdit
from policies.services.case_files import import_case_file
from policies.services.deletions import delete_case, delete_exercise, restore_case
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


def _import(membership):  # type: ignore[no-untyped-def]
    return import_case_file(
        case_file=parse_case_file(SMALL.read_bytes()), team=membership.team, importer=membership, as_new=False
    )


def test_a_file_of_a_deleted_case_comes_in_as_a_new_case() -> None:
    owner = MembershipFactory(role=Role.OWNER)
    _import(owner)
    first = Case.objects.get(team=owner.team)
    delete_case(case=first, user=owner.user, version=None)
    _import(owner)
    second = Case.objects.get(team=owner.team)  # the only live one
    assert second.pk != first.pk and second.key != first.key
    assert Case.all_objects.get(pk=first.pk).deleted is not None  # the deleted one is untouched
    restore_case(case=first)
    assert Case.objects.filter(team=owner.team).count() == 2


def test_a_file_holding_a_deleted_exercise_brings_it_back() -> None:
    owner = MembershipFactory(role=Role.OWNER)
    _import(owner)
    exercise = Exercise.objects.get(team=owner.team)
    delete_exercise(exercise=exercise, user=owner.user, version=None)
    assert not Exercise.objects.filter(pk=exercise.pk).exists()
    _import(owner)
    assert Exercise.objects.get(team=owner.team).pk == exercise.pk


def test_a_deletion_from_a_stale_version_is_refused() -> None:
    owner = MembershipFactory(role=Role.OWNER)
    _import(owner)
    case = Case.objects.get(team=owner.team)
    with pytest.raises(StaleEdit):
        delete_case(case=case, user=owner.user, version=case.version + 1)
    assert Case.objects.filter(pk=case.pk, deleted__isnull=True).exists()
