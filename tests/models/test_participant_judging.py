"""The migration that stops counting facilitators who only commented: who it changes, and who it leaves alone."""

from importlib import import_module

import pytest
from django.apps import apps

from policies.models import Comment, Participant, Role
from policies.services.participants import participant_for_user
from tests.factories import MembershipFactory, ScoreJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db

migration = import_module("policies.migrations.0017_participant_judging")


def test_recorded_comment_only_facilitators_stop_counting_and_nobody_else_does() -> None:
    exercise = make_exercise(options=1, criteria=1)
    option = exercise.options.get()

    def member(role: str, *, comments: bool, scores: bool) -> Participant:
        user = MembershipFactory(team=exercise.team, role=role).user
        person = participant_for_user(exercise=exercise, user_id=user.pk)
        if comments:
            Comment.objects.create(exercise=exercise, author=person, option=option, body="note")
        if scores:
            ScoreJudgmentFactory(participant=person, option=option, criterion=exercise.criteria.get())
        return person

    replied = member(Role.FACILITATOR, comments=True, scores=False)
    owner = member(Role.OWNER, comments=True, scores=False)
    judged = member(Role.FACILITATOR, comments=True, scores=True)
    silent = member(Role.FACILITATOR, comments=False, scores=False)  # joined by the code: invited to judge
    participant = member(Role.PARTICIPANT, comments=True, scores=False)
    migration.comment_only_facilitators_do_not_judge(apps, None)
    judging = dict(Participant.objects.values_list("pk", "judging"))
    assert judging == {
        replied.pk: False,
        owner.pk: False,
        judged.pk: True,
        silent.pk: True,
        participant.pk: True,
    }
