"""Viewers for tests: the visibility of a facilitator, and a Viewer standing for a participant row."""

from typing import Any

from policies.models import Case, Exercise, Membership, Participant, Role
from policies.selectors.access import Viewer, viewer_for_member
from policies.selectors.analysis_results import AnalysisRequest, ExerciseResults, analysis_results
from policies.selectors.case_export import exercises_as_seen, export_case
from policies.selectors.visibility import Visibility, visibility_for


def facilitator_view(exercise: Exercise) -> Visibility:
    """What a facilitator of the exercise sees: every round, and identities unless it is anonymous."""
    return visibility_for(exercise, facilitator=True)


def judging(participant: Participant) -> Viewer:
    """The participant as a writer: a member with their role, or a guest of the exercise. A factory persona
    (no account) is made a guest, as if they had joined with the code."""
    exercise = participant.exercise
    role = None
    if participant.user_id is not None:
        role = (
            Membership.objects.filter(user_id=participant.user_id, team_id=exercise.team_id)
            .values_list("role", flat=True)
            .first()
        )
    if role is None and not participant.is_guest:
        Participant.objects.filter(pk=participant.pk).update(is_guest=True)
        participant.is_guest = True
    return Viewer(exercise, participant.user_id, role, participant)


def ranking_of(exercise: Exercise, method: str | None = None) -> ExerciseResults:
    """The group ranking a facilitator sees (the dashboard's, the results page's, the API's)."""
    request = AnalysisRequest(method=method)
    return analysis_results(exercise, request, visibility=facilitator_view(exercise)).results


def export_all(case: Case) -> dict[str, Any]:
    """The case file with every exercise, as the team's facilitators export it."""
    return export_case(case, exercises=exercises_as_seen(case, facilitator=True))


def member(exercise: Exercise, role: str = Role.FACILITATOR) -> Viewer:
    """A new member of the exercise's team with `role`, as a Viewer of the exercise."""
    from tests.factories import MembershipFactory

    return viewer_for_member(exercise, MembershipFactory(team=exercise.team, role=role))
