"""Delete a whole case or exercise, put it back, and purge what has been deleted for too long.

A case or an exercise is never removed at once: it gets a `deleted` timestamp, and the default managers
(`Case.objects`, `Exercise.objects`) leave it out, so no page, partial, report or API list reaches it. Its team's
editors may restore it for `DeletedItem.RESTORE_DAYS` days, the same window as a deleted case item; after that,
`purge_expired_deletions` (a daily Celery beat task) removes it for good, with the expired deleted items.
Who may delete or restore is settled by the caller (policies.selectors.access): the rules here are about state.
Each deletion, restoration and purge is written to the team's history (policies.services.audit) here, so that no
path that deletes can forget it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import (
    AuditAction,
    Case,
    DeletedItem,
    Evidence,
    Exercise,
    Participant,
    Report,
    ScoreJudgment,
    Team,
    WeightJudgment,
)
from policies.services.audit import record
from policies.services.case_editing import Dependant, StaleEdit, restore_since


def _account(exercises: QuerySet[Exercise], *, count_exercises: bool) -> list[Dependant]:
    """What goes out of sight with these exercises: the exercises themselves, who took part, what they judged
    and the reports made from them. Counts only: no name, no value."""
    ids = list(exercises.values_list("pk", flat=True))
    judgments = (
        WeightJudgment.objects.filter(participant__exercise_id__in=ids).count()
        + ScoreJudgment.objects.filter(participant__exercise_id__in=ids).count()
    )
    counts = [
        (_("exercises"), len(ids) if count_exercises else 0),
        (_("participants"), Participant.objects.filter(exercise_id__in=ids).count()),
        (_("judgments (weights and scores)"), judgments),
        (_("reports"), Report.objects.filter(exercise_id__in=ids).count()),
    ]
    return [Dependant(str(label), count) for label, count in counts if count]


def case_account(case: Case) -> list[Dependant]:
    """What deleting the case hides with it: its content, by kind, then its exercises and all they hold."""
    items = Case.objects.filter(pk=case.pk).aggregate(
        options=Count("options", distinct=True),
        criteria=Count("criteria", filter=Q(criteria__is_group=False), distinct=True),
        scenarios=Count("scenarios", distinct=True),
        sources=Count("sources", distinct=True),
    )
    labels = {
        "options": _("options"),
        "criteria": _("criteria"),
        "scenarios": _("scenarios"),
        "sources": _("source documents"),
    }
    content = [Dependant(str(labels[name]), count) for name, count in items.items() if count]
    return content + _account(Exercise.objects.filter(case=case), count_exercises=True)


def exercise_account(exercise: Exercise) -> list[Dependant]:
    """What deleting the exercise hides with it: who took part, what they judged, the reports."""
    return _account(Exercise.objects.filter(pk=exercise.pk), count_exercises=False)


def _mark(stored: Case | Exercise, *, deleted: datetime | None, by: User | None) -> None:
    """Set or clear the deletion mark by an update, not a save: it is no edit of the content, so it leaves no
    entry in the case's history and does not change its version."""
    type(stored).all_objects.filter(pk=stored.pk).update(deleted=deleted, deleted_by=by)
    stored.deleted, stored.deleted_by = deleted, by


def _record(
    action: str, stored: Case | Exercise, user: User | AnonymousUser | None, address: str | None
) -> None:
    """The history keeps the name as it read then (in the actor's language): the thing itself may be purged."""
    record(
        action=action,
        team=stored.team,
        actor=user if isinstance(user, User) else None,
        detail={"name": str(stored)},
        address=address,
    )


def _check_version(stored: Case | Exercise, version: int | None) -> None:
    if version is not None and version != stored.version:
        raise StaleEdit(current=stored, conflicts=[])


@transaction.atomic
def delete_case(
    *, case: Case, user: User | AnonymousUser | None, version: int | None, address: str | None = None
) -> Case:
    """Hide the case and everything in it (its exercises go with it); `restore_case` brings it all back."""
    stored = Case.objects.select_for_update().get(pk=case.pk)
    _check_version(stored, version)
    _mark(stored, deleted=timezone.now(), by=user if isinstance(user, User) else None)
    _record(AuditAction.CASE_DELETED, stored, user, address)
    return stored


@transaction.atomic
def delete_exercise(
    *, exercise: Exercise, user: User | AnonymousUser | None, version: int | None, address: str | None = None
) -> Exercise:
    """Hide the exercise with its participants, judgments and reports; `restore_exercise` brings it back."""
    stored = Exercise.objects.select_for_update().get(pk=exercise.pk)
    _check_version(stored, version)
    _mark(stored, deleted=timezone.now(), by=user if isinstance(user, User) else None)
    _record(AuditAction.EXERCISE_DELETED, stored, user, address)
    return stored


def deleted_cases(team: Team) -> QuerySet[Case]:
    """The team's cases deleted recently enough to be restored, newest first."""
    return Case.all_objects.filter(team=team, deleted__gte=restore_since()).order_by("-deleted", "-pk")


def deleted_exercises(team: Team) -> QuerySet[Exercise]:
    """The team's exercises deleted recently enough to be restored, in cases that are not deleted themselves
    (those come back with their case)."""
    return (
        Exercise.all_objects.filter(team=team, deleted__gte=restore_since(), case__deleted__isnull=True)
        .select_related("case")
        .order_by("-deleted", "-pk")
    )


@transaction.atomic
def restore_case(*, case: Case, user: User | AnonymousUser | None = None, address: str | None = None) -> Case:
    """Bring a deleted case back, with the exercises that were not deleted on their own."""
    stored = Case.all_objects.select_for_update().get(pk=case.pk)
    if stored.deleted is None or stored.deleted < restore_since():
        raise ValidationError(_("This case can no longer be restored."), code="expired")
    _mark(stored, deleted=None, by=None)
    _record(AuditAction.CASE_RESTORED, stored, user, address)
    return stored


@transaction.atomic
def restore_exercise(
    *, exercise: Exercise, user: User | AnonymousUser | None = None, address: str | None = None
) -> Exercise:
    stored = Exercise.all_objects.select_for_update().get(pk=exercise.pk)
    if stored.deleted is None or stored.deleted < restore_since():
        raise ValidationError(_("This exercise can no longer be restored."), code="expired")
    _mark(stored, deleted=None, by=None)
    _record(AuditAction.EXERCISE_RESTORED, stored, user, address)
    return stored


def clear_evidence(*, cases: QuerySet[Case]) -> None:
    """Evidence protects the sources it cites, so that no single source goes while cited; when whole cases go
    for good (a purge, a team's deletion), their evidence goes first, else the database refuses the rest."""
    Evidence.objects.filter(case__in=cases).delete()


@dataclass(frozen=True)
class Purged:
    cases: int
    exercises: int
    items: int


@transaction.atomic
def purge_expired_deletions(*, now: datetime | None = None) -> Purged:
    """Remove for good what was deleted longer ago than the restore window: cases (with all they hold),
    exercises, and the copies kept of deleted case items. Idempotent."""
    since = restore_since(now)
    exercises = Exercise.all_objects.filter(deleted__lt=since)
    exercise_count = exercises.count()
    for exercise in exercises.select_related("team"):
        _record(AuditAction.EXERCISE_PURGED, exercise, None, None)
        exercise.delete()
    cases = Case.all_objects.filter(deleted__lt=since)
    case_count = cases.count()
    clear_evidence(cases=cases)
    for case in cases.select_related("team"):
        _record(AuditAction.CASE_PURGED, case, None, None)
        case.delete()
    items, _by_model = DeletedItem.objects.filter(deleted_at__lt=since).delete()
    return Purged(cases=case_count, exercises=exercise_count, items=items)
