"""The one place that decides who may reach what, and who may act.

Every view fetches its object through one of these functions, so none can forget the membership check. An
object of another team is reported as missing (404), never as forbidden, so its existence does not leak.

In an exercise, a person is a `Viewer`: a member of the exercise's team with their role as it stands now, or a
guest who joined that one exercise by its code. A participant row is where someone's judgments are kept, not a
right: a member who is removed from the team, or whose role changes, keeps the row but loses (or gains) the
rights at once, because every request reads the membership again. What a viewer may see is decided by
`policies.selectors.visibility`; what they may write, by the properties of `Viewer`, which the judgment service
asks at the moment of writing.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import models as auth
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from policies.models import Case, Exercise, Membership, Participant, Report, Role, Team
from policies.sql import rows

# What request.user holds: a signed-in account or an anonymous visitor.
User = auth.User | auth.AnonymousUser

# Roles allowed to record judgments; observers watch only.
JUDGING_ROLES = frozenset({Role.OWNER, Role.FACILITATOR, Role.ANALYST, Role.PARTICIPANT})
# Roles allowed to request reports.
REPORTING_ROLES = JUDGING_ROLES
# Roles allowed to edit a case's content and run its exercises' settings.
CASE_EDITING_ROLES = frozenset({Role.OWNER, Role.FACILITATOR, Role.ANALYST})
# Roles allowed to set up and steer exercises.
FACILITATING_ROLES = frozenset({Role.OWNER, Role.FACILITATOR})


def _member_id(user: User) -> int:
    """The id a membership is looked up by. An anonymous visitor is a member of nothing: its id, None, would be
    read by a lookup as IS NULL and match the teams that nobody belongs to."""
    if not user.is_authenticated:
        raise Http404
    return user.pk


def teams_for_user(user: User) -> QuerySet[Team]:
    return Team.objects.filter(memberships__user_id=_member_id(user)).order_by("name")


def membership_for(user: User, team_id: int) -> Membership:
    membership = (
        Membership.objects.filter(user_id=_member_id(user), team_id=team_id).select_related("team").first()
    )
    if membership is None:
        raise Http404(_("No such team."))
    return membership


def require_role(membership: Membership, roles: frozenset[str]) -> None:
    if membership.role not in roles:
        raise PermissionDenied(_("Your role in this team does not allow this."))


def get_team_for_user(user: User, slug: str) -> tuple[Team, Membership]:
    team = Team.objects.filter(slug=slug, memberships__user_id=_member_id(user)).first()
    if team is None:
        raise Http404(_("No such team."))
    return team, membership_for(user, team.pk)


def get_case_for_user(user: User, case_id: int) -> tuple[Case, Membership]:
    case = (
        Case.objects.filter(pk=case_id, team__memberships__user_id=_member_id(user))
        .select_related("team")
        .first()
    )
    if case is None or case.team_id is None:
        raise Http404(_("No such case."))
    return case, membership_for(user, case.team_id)


def get_exercise_for_user(user: User, exercise_id: int) -> tuple[Exercise, Membership]:
    exercise = (
        Exercise.objects.filter(pk=exercise_id, team__memberships__user_id=_member_id(user))
        .select_related("team", "case")
        .first()
    )
    if exercise is None:
        raise Http404(_("No such exercise."))
    return exercise, membership_for(user, exercise.team_id)


def get_report_for_user(user: User, report_id: int) -> tuple[Report, Membership]:
    report = (
        Report.objects.filter(pk=report_id, exercise__team__memberships__user_id=_member_id(user))
        # A lookup across a relation does not go through Exercise's default manager: say it here.
        .filter(exercise__deleted__isnull=True, exercise__case__deleted__isnull=True)
        .select_related("exercise", "exercise__team", "exercise__case")
        .first()
    )
    if report is None:
        raise Http404(_("No such report."))
    return report, membership_for(user, report.exercise.team_id)


# -- people in an exercise -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """Someone looking at an exercise, as they stand now.

    role: their role in the exercise's team, None if they are not a member (a guest).
    participant: their own participant row, when it stands for them: a member's own row, or the row of a guest
        who joined this exercise by its code. None for a member who has not judged yet.
    """

    exercise: Exercise
    user_id: int | None
    role: str | None
    participant: Participant | None

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def is_guest(self) -> bool:
        return self.role is None

    @property
    def can_facilitate(self) -> bool:
        return self.role in FACILITATING_ROLES

    @property
    def can_judge(self) -> bool:
        """Members with a judging role, and guests of this exercise; never observers nor former members."""
        if self.role is not None:
            return self.role in JUDGING_ROLES
        return self.participant is not None and self.participant.is_guest

    @property
    def can_report(self) -> bool:
        return self.role in REPORTING_ROLES


def _stands_for(participant: Participant | None, role: str | None, user_id: int | None) -> Participant | None:
    """The participant row if it stands for this person now: their own row as a member, or a guest's row.

    A row made for a member keeps no right once they leave the team: only rows made by joining with the code
    (`is_guest`) stand for people outside it.
    """
    if participant is None:
        return None
    if participant.user_id is not None and participant.user_id != user_id:
        return None
    if role is None and not participant.is_guest:
        return None
    return participant


# Session key holding {exercise id: participant id} for people who joined a workshop with its code.
WORKSHOP_SESSION_KEY = "workshop_participants"


def joined_participant_id(request: HttpRequest, exercise_id: int) -> int | None:
    joined = request.session.get(WORKSHOP_SESSION_KEY, {})
    participant_id = joined.get(str(exercise_id)) if isinstance(joined, dict) else None
    return participant_id if isinstance(participant_id, int) else None


def remember_joined(request: HttpRequest, participant: Participant) -> None:
    joined = dict(request.session.get(WORKSHOP_SESSION_KEY, {}))
    joined[str(participant.exercise_id)] = participant.pk
    request.session[WORKSHOP_SESSION_KEY] = joined


def get_viewer(request: HttpRequest, exercise_id: int) -> Viewer:
    """The visitor of an exercise's workshop screens: a member of its team, or a guest who joined it by code.

    Anyone else, former members included, gets a 404, so the exercise's existence does not leak.
    """
    exercise = Exercise.objects.filter(pk=exercise_id).select_related("team", "case").first()
    if exercise is None:
        raise Http404(_("No such exercise."))
    user = request.user
    user_id = user.pk if user.is_authenticated else None
    role = None
    participant = None
    if user_id is not None:
        role = (
            Membership.objects.filter(user_id=user_id, team_id=exercise.team_id)
            .values_list("role", flat=True)
            .first()
        )
        participant = Participant.objects.filter(exercise=exercise, user_id=user_id).first()
    if participant is None:
        joined = joined_participant_id(request, exercise_id)
        if joined is not None:
            participant = Participant.objects.filter(pk=joined, exercise=exercise).first()
    participant = _stands_for(participant, role, user_id)
    if role is None and participant is None:
        raise Http404(_("No such exercise."))
    if participant is not None:
        participant.exercise = exercise
    return Viewer(exercise, user_id, role, participant)


def get_viewer_for_user(user: User, exercise_id: int) -> Viewer:
    """A member of the exercise's team (the API, reports, the results page): a 404 for anyone else."""
    exercise, membership = get_exercise_for_user(user, exercise_id)
    return viewer_for_member(exercise, membership)


def viewer_for_member(exercise: Exercise, membership: Membership) -> Viewer:
    participant = Participant.objects.filter(exercise=exercise, user_id=membership.user_id).first()
    if participant is not None:
        participant.exercise = exercise
    return Viewer(exercise, membership.user_id, membership.role, participant)


def get_own_viewer(request: HttpRequest, exercise_id: int) -> Viewer | None:
    """The visitor with their own participant row and its exercise, and their role, in one query; None when
    they have no row yet (the caller then falls back to `get_viewer`).

    Having a participant row is what lets someone judge and follow a workshop, so the autosave and the poll
    of a full room take this short path. The query is hand-written (policies.sql.rows) because building it
    through the ORM cost more than running it; it reads the membership in the same statement, so a role
    changed a moment ago already counts.
    """
    user = request.user
    user_id = user.pk if user.is_authenticated else None
    found = None
    if user_id is not None:
        found = _participant_with_exercise("user_id", exercise_id, user_id)
    if found is None:
        joined = joined_participant_id(request, exercise_id)
        if joined is not None:
            found = _participant_with_exercise("id", exercise_id, joined, user_id)
    if found is None:
        return None
    participant, role = found
    if _stands_for(participant, role, user_id) is None:
        return None
    return Viewer(participant.exercise, user_id, role, participant)


@cache
def _participant_sql(column: str, vendor: str) -> str:
    quote = rows.quoted
    return (
        f"SELECT {rows.select_list(Participant, 'p')}, {rows.select_list(Exercise, 'e')}, m.{quote('role')} "
        f"FROM {quote(Participant._meta.db_table)} p "
        f"JOIN {quote(Exercise._meta.db_table)} e ON e.{quote('id')} = p.{quote('exercise_id')} "
        f"LEFT JOIN {quote(Membership._meta.db_table)} m ON m.{quote('team_id')} = e.{quote('team_id')} "
        f"AND m.{quote('user_id')} = %s "
        f"WHERE p.{quote('exercise_id')} = %s AND p.{quote(column)} = %s ORDER BY p.{quote('id')} LIMIT 1"
    )


def _participant_with_exercise(
    column: str, exercise_id: int, value: int, user_id: int | None = None
) -> tuple[Participant, str | None] | None:
    user = value if column == "user_id" else user_id
    row = rows.fetch_one(_participant_sql(column, connection.vendor), [user, exercise_id, value])
    if row is None:
        return None
    split = rows.width(Participant)
    end = split + rows.width(Exercise)
    participant = rows.build(Participant, row[:split])
    participant.exercise = rows.build(Exercise, row[split:end])
    return participant, row[end]
