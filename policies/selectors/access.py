"""The one place that decides who may see and do what.

Every view fetches its object through one of these functions, so none can forget the membership check. An
object of another team is reported as missing (404), never as forbidden, so its existence does not leak.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from policies.models import Case, Exercise, Membership, Report, Role, Team

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
