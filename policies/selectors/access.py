"""The one place that decides who may see and do what.

Every view fetches its object through one of these functions, so none can forget the membership check. An
object of another team is reported as missing (404), never as forbidden, so its existence does not leak.
"""

from functools import cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from policies.models import Case, Exercise, Membership, Participant, Report, Role, Team
from policies.selectors import raw_rows

User = AbstractBaseUser | AnonymousUser

# Roles allowed to record judgments; observers watch only.
JUDGING_ROLES = frozenset({Role.OWNER, Role.FACILITATOR, Role.ANALYST, Role.PARTICIPANT})
# Roles allowed to request reports.
REPORTING_ROLES = JUDGING_ROLES
# Roles allowed to edit a case's content and run its exercises' settings.
CASE_EDITING_ROLES = frozenset({Role.OWNER, Role.FACILITATOR, Role.ANALYST})
# Roles allowed to set up and steer exercises.
FACILITATING_ROLES = frozenset({Role.OWNER, Role.FACILITATOR})


def teams_for_user(user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user_id=user.pk).order_by("name")


def membership_for(user: User, team_id: int) -> Membership:
    membership = Membership.objects.filter(user_id=user.pk, team_id=team_id).select_related("team").first()
    if membership is None:
        raise Http404(_("No such team."))
    return membership


def require_role(membership: Membership, roles: frozenset[str]) -> None:
    if membership.role not in roles:
        raise PermissionDenied(_("Your role in this team does not allow this."))


def get_team_for_user(user: User, slug: str) -> tuple[Team, Membership]:
    team = Team.objects.filter(slug=slug, memberships__user_id=user.pk).first()
    if team is None:
        raise Http404(_("No such team."))
    return team, membership_for(user, team.pk)


def get_case_for_user(user: User, case_id: int) -> tuple[Case, Membership]:
    case = Case.objects.filter(pk=case_id, team__memberships__user_id=user.pk).select_related("team").first()
    if case is None or case.team_id is None:
        raise Http404(_("No such case."))
    return case, membership_for(user, case.team_id)


def get_exercise_for_user(user: User, exercise_id: int) -> tuple[Exercise, Membership]:
    exercise = (
        Exercise.objects.filter(pk=exercise_id, team__memberships__user_id=user.pk)
        .select_related("team", "case")
        .first()
    )
    if exercise is None:
        raise Http404(_("No such exercise."))
    return exercise, membership_for(user, exercise.team_id)


def get_report_for_user(user: User, report_id: int) -> tuple[Report, Membership]:
    report = (
        Report.objects.filter(pk=report_id, exercise__team__memberships__user_id=user.pk)
        .select_related("exercise", "exercise__team")
        .first()
    )
    if report is None:
        raise Http404(_("No such report."))
    return report, membership_for(user, report.exercise.team_id)


# Session key holding {exercise id: participant id} for people who joined a workshop with its code.
WORKSHOP_SESSION_KEY = "workshop_participants"


def get_exercise_for_participant(
    request: HttpRequest, exercise_id: int
) -> tuple[Exercise, Participant | None, Membership | None]:
    """An exercise for a team member, or for someone who joined it by code (guest or user of another team).

    Returns the exercise, the visitor's participant row if they have one, and their membership if they are a
    member of the exercise's team. Anyone else gets a 404, so the exercise's existence does not leak.
    """
    exercise = Exercise.objects.filter(pk=exercise_id).select_related("team", "case").first()
    if exercise is None:
        raise Http404(_("No such exercise."))
    membership = None
    participant = None
    user = request.user
    if user.is_authenticated:
        membership = Membership.objects.filter(user_id=user.pk, team_id=exercise.team_id).first()
        participant = Participant.objects.filter(exercise=exercise, user_id=user.pk).first()
    if participant is None:
        joined = request.session.get(WORKSHOP_SESSION_KEY, {})
        participant_id = joined.get(str(exercise_id)) if isinstance(joined, dict) else None
        if participant_id is not None:
            participant = Participant.objects.filter(pk=participant_id, exercise=exercise).first()
    if membership is None and participant is None:
        raise Http404(_("No such exercise."))
    if participant is not None:
        participant.exercise = exercise
    return exercise, participant, membership


def get_own_participant(request: HttpRequest, exercise_id: int) -> Participant | None:
    """The visitor's own participant row in the exercise, with the exercise, in one query; None if none yet.

    Having a participant row is what lets someone judge and follow a workshop (members get one on their first
    visit, others by joining with the code), so the autosave and the poll of a full room can skip the
    membership lookups of get_exercise_for_participant; callers fall back to it when this returns None. The
    query is hand-written (raw_rows) because building it through the ORM cost more than running it.
    """
    user = request.user
    if user.is_authenticated:
        participant = _participant_with_exercise("user_id", exercise_id, user.pk)
        if participant is not None:
            return participant
    joined = request.session.get(WORKSHOP_SESSION_KEY, {})
    participant_id = joined.get(str(exercise_id)) if isinstance(joined, dict) else None
    if not isinstance(participant_id, int):
        return None
    return _participant_with_exercise("id", exercise_id, participant_id)


@cache
def _participant_sql(column: str, vendor: str) -> str:
    quote = raw_rows.quoted
    return (
        f"SELECT {raw_rows.select_list(Participant, 'p')}, {raw_rows.select_list(Exercise, 'e')} "
        f"FROM {quote(Participant._meta.db_table)} p "
        f"JOIN {quote(Exercise._meta.db_table)} e ON e.{quote('id')} = p.{quote('exercise_id')} "
        f"WHERE p.{quote('exercise_id')} = %s AND p.{quote(column)} = %s ORDER BY p.{quote('id')} LIMIT 1"
    )


def _participant_with_exercise(column: str, exercise_id: int, value: int) -> Participant | None:
    row = raw_rows.fetch_one(_participant_sql(column, connection.vendor), [exercise_id, value])
    if row is None:
        return None
    split = raw_rows.width(Participant)
    participant = raw_rows.build(Participant, row[:split])
    participant.exercise = raw_rows.build(Exercise, row[split:])
    return participant  # type: ignore[return-value]
