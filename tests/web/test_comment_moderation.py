"""Facilitators read, answer, hide and pin comments on their dashboard; participants never read a hidden one."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from policies.models import Comment, Exercise, Role
from policies.models.exercises import Phase
from policies.selectors.comments import comment_threads
from policies.selectors.visibility import visibility_for
from policies.services.participants import join_as_guest
from policies.services.workshop import CommentSubject, add_comment, issue_join_code, moderate_comment
from tests.factories import MembershipFactory, make_exercise
from tests.viewers import judging

pytestmark = pytest.mark.django_db


def a_discussion() -> tuple[Exercise, Client, Client, Comment, Comment]:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.DISCUSSION)
    exercise = issue_join_code(exercise=exercise)
    ana = join_as_guest(exercise=exercise, display_name="Ana")
    subject = CommentSubject(exercise.options.first(), None)
    rude = add_comment(viewer=judging(ana), subject=subject, body="RudeRemark")
    add_comment(viewer=judging(ana), subject=subject, body="ReplyUnderRude", parent=rude)
    good = add_comment(viewer=judging(ana), subject=subject, body="GoodPoint")
    boss = Client()
    boss.force_login(MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user)
    guest = Client()
    guest.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "Bo", "join": "1"})
    return exercise, boss, guest, rude, good


def moderate(client: Client, exercise: Exercise, comment: Comment, action: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("workshop-comment-moderate", args=[exercise.pk, comment.pk]), {"action": action}
    )


def test_the_dashboard_holds_the_threads_with_reply_hide_and_pin() -> None:
    exercise, boss, _guest, _rude, _good = a_discussion()
    dashboard = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert reverse("workshop-comments", args=[exercise.pk]) in dashboard
    threads = boss.get(reverse("workshop-comments", args=[exercise.pk])).content.decode()
    assert "RudeRemark" in threads and 'data-testid="comment-hide"' in threads
    assert 'data-testid="comment-pin"' in threads and "Your reply" in threads
    # The facilitator answers from the dashboard.
    boss.post(
        reverse("workshop-comments", args=[exercise.pk]), {"parent": _good.pk, "body": "ThanksFromBoss"}
    )
    assert Comment.objects.filter(parent=_good, body="ThanksFromBoss").exists()


def test_a_hidden_comment_and_its_replies_disappear_for_participants_only() -> None:
    exercise, boss, guest, rude, _good = a_discussion()
    url = reverse("workshop-comments", args=[exercise.pk])
    before = guest.get(url).content.decode()
    assert "RudeRemark" in before and "ReplyUnderRude" in before
    answer = moderate(boss, exercise, rude, "hide")
    assert answer.status_code == 200 and 'data-testid="comment-hidden"' in answer.content.decode()
    after = guest.get(url).content.decode()
    assert "RudeRemark" not in after and "ReplyUnderRude" not in after and "GoodPoint" in after
    assert "moderation" not in after  # no moderation controls for participants
    assert "RudeRemark" in boss.get(url).content.decode()  # the facilitator still reads it, marked hidden
    # The same rule wherever the threads are read.
    exercise.refresh_from_db()
    room = comment_threads(exercise, visibility_for(exercise, facilitator=False))
    bodies = [node.comment.body for nodes in room.values() for node in nodes]
    assert bodies == ["GoodPoint"]
    moderate(boss, exercise, rude, "show")
    assert "RudeRemark" in guest.get(url).content.decode()


def test_the_threads_poll_redraws_after_a_moderation() -> None:
    exercise, boss, guest, rude, _good = a_discussion()
    url = reverse("workshop-comments", args=[exercise.pk])
    token = guest.get(url).context["comment_token"]
    assert guest.get(url, {"v": token}).status_code == 204
    moderate(boss, exercise, rude, "hide")
    assert guest.get(url, {"v": token}).status_code == 200


def test_a_pinned_comment_heads_its_thread() -> None:
    exercise, boss, guest, _rude, good = a_discussion()
    moderate(boss, exercise, good, "pin")
    page = guest.get(reverse("workshop-comments", args=[exercise.pk])).content.decode()
    assert page.index("GoodPoint") < page.index("RudeRemark")
    assert 'data-testid="comment-pinned"' in page


def test_only_facilitators_moderate() -> None:
    exercise, _boss, guest, rude, _good = a_discussion()
    assert moderate(guest, exercise, rude, "hide").status_code == 403
    participant = Client()
    participant.force_login(MembershipFactory(team=exercise.team, role=Role.PARTICIPANT).user)
    assert moderate(participant, exercise, rude, "hide").status_code == 403
    rude.refresh_from_db()
    assert not rude.hidden
    ana = rude.author
    with pytest.raises(PermissionDenied):
        moderate_comment(viewer=judging(ana), comment=rude, hidden=True)


def test_a_bad_action_or_another_exercises_comment_is_refused() -> None:
    exercise, boss, _guest, rude, _good = a_discussion()
    assert moderate(boss, exercise, rude, "delete").status_code == 422
    _other, _b, _g, foreign, _x = a_discussion()
    assert moderate(boss, exercise, foreign, "hide").status_code == 404


def test_the_subject_choice_is_written_as_french_writes_it() -> None:
    exercise, boss, _guest, _rude, _good = a_discussion()
    option = exercise.options.order_by("position", "pk").first()
    criterion = exercise.criteria.order_by("position", "pk").first()
    boss.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    threads = boss.get(reverse("workshop-comments", args=[exercise.pk])).content.decode()
    # French puts a space before the colon, as the threads' own headings do.
    assert f"Option : {option.name.get('fr') or option.name['en']}</option>" in threads
    assert f"Critère : {criterion.name.get('fr') or criterion.name['en']}</option>" in threads
    boss.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    threads = boss.get(reverse("workshop-comments", args=[exercise.pk])).content.decode()
    assert f"Option: {option.name['en']}</option>" in threads


def test_a_facilitator_who_replies_is_not_counted_among_the_participants() -> None:
    """Four people scored; the facilitator answers a comment. The results, the dashboard and the API still count
    four participants, until the facilitator judges too."""
    from policies.models import Participant
    from policies.selectors.exercise_arrays import counted_participants
    from policies.services.judgments import ScoreEntry, record_points, record_score
    from tests.viewers import facilitator_view, ranking_of

    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, blind=False, phase=Phase.SCORING)
    exercise = issue_join_code(exercise=exercise)
    options, criteria = list(exercise.options.all()), list(exercise.criteria.all())
    people = [join_as_guest(exercise=exercise, display_name=name) for name in ("Ana", "Bo", "Cy", "Di")]
    for k, person in enumerate(people):
        person.exercise = exercise
        record_points(viewer=judging(person), points={criteria[0].pk: 50 + k, criteria[1].pk: 50 - k})
        for option in options:
            for criterion in criteria:
                record_score(viewer=judging(person), entry=ScoreEntry(option.pk, criterion.pk, 1 + k))
    question = add_comment(
        viewer=judging(people[0]), subject=CommentSubject(options[0], None), body="Why this option?"
    )
    boss = Client()
    facilitator = MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user
    boss.force_login(facilitator)
    comments = reverse("workshop-comments", args=[exercise.pk])
    assert boss.post(comments, {"parent": question.pk, "body": "BecauseOfTheRoads"}).status_code == 200
    reply = Comment.objects.get(body="BecauseOfTheRoads")
    assert reply.author.user_id == facilitator.pk and not reply.author.judging

    def counts() -> tuple[int, int, str, int]:
        from policies.selectors.analysis_results import analysis_results

        bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
        dashboard = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
        heading = dashboard.split('id="people-heading">', 1)[1].split("<", 1)[0]
        return (
            len(bundle.all_participants),
            ranking_of(exercise).participants_scoring,
            heading,
            counted_participants(exercise).count(),
        )

    assert counts() == (4, 4, "4 participants", 4)
    results = boss.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "of 4 participants" in results and "of 5 participants" not in results
    # A second reply keeps it so; a judgment makes the facilitator a participant like any other.
    assert boss.post(comments, {"parent": question.pk, "body": "AndTheRain"}).status_code == 200
    assert counts() == (4, 4, "4 participants", 4)
    assert Participant.objects.filter(exercise=exercise).count() == 5
    score = reverse("workshop-score", args=[exercise.pk, options[0].pk, criteria[0].pk])
    assert boss.post(score, {"value": "3"}).status_code == 200
    assert Participant.objects.get(user=facilitator, exercise=exercise).judging
    assert counts()[0] == 5 and counts()[3] == 5
