"""A person's own data: the download of what they gave, deleting their account, and workshop guests' names."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import (
    AuditAction,
    AuditEvent,
    Comment,
    Driver,
    DriverState,
    Exercise,
    ImpactJudgment,
    Participant,
    Role,
    ScoreJudgment,
)
from policies.models.exercises import Anonymity, Phase
from policies.selectors.group_impacts import group_impacts
from policies.selectors.visibility import visibility_for
from policies.services.participants import join_as_guest
from policies.services.personal_data import erase_expired_guests, export_personal_data
from tests.accounts.helpers import reauthenticate, sign_in
from tests.factories import MembershipFactory, ParticipantFactory, make_exercise
from tests.viewers import ranking_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    closed = make_exercise(options=2, criteria=1)
    team = closed.team
    Exercise.objects.filter(pk=closed.pk).update(phase=Phase.CLOSED, facilitated=True)
    open_ = make_exercise(options=2, criteria=1, team=team)
    owner = MembershipFactory(team=team, role=Role.OWNER)
    member = MembershipFactory(
        team=team, role=Role.PARTICIPANT, user__first_name="Mariam", user__last_name="Keita"
    )
    people = {}
    for exercise in (closed, open_):
        option_a, option_b = exercise.options.order_by("pk")
        criterion = exercise.criteria.get()
        mine = ParticipantFactory(exercise=exercise, user=member.user, alias="Mariam Keita", number=1)
        other = ParticipantFactory(exercise=exercise, alias="Someone else", number=2)
        ScoreJudgment.objects.create(participant=mine, option=option_a, criterion=criterion, value=10,
                                     rationale={"en": "Strong mandate"})  # fmt: skip
        ScoreJudgment.objects.create(participant=mine, option=option_b, criterion=criterion, value=0)
        ScoreJudgment.objects.create(participant=other, option=option_a, criterion=criterion, value=2)
        ScoreJudgment.objects.create(participant=other, option=option_b, criterion=criterion, value=8)
        remark = Comment.objects.create(exercise=exercise, author=mine, option=option_a, body="My remark")
        Comment.objects.create(
            exercise=exercise, author=other, option=option_a, body="A reply", parent=remark
        )
        people[exercise.pk] = (mine, other)
    return {"closed": closed, "open": open_, "owner": owner, "member": member, "people": people}


def test_the_download_holds_what_the_person_gave(world) -> None:
    client = Client()
    client.force_login(world["member"].user)
    response = client.get(reverse("account-data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == world["member"].user.username
    assert [m["role"] for m in data["memberships"]] == [Role.PARTICIPANT]
    assert len(data["participations"]) == 2
    first = data["participations"][0]
    assert {s["score"] for s in first["scores"]} == {10, 0}
    assert {"en": "Strong mandate"} in [s["rationale"] for s in first["scores"]]
    assert [c["body"] for c in first["comments"]] == ["My remark"]  # only their own
    assert "Someone else" not in response.content.decode()


def test_deleting_the_account_keeps_closed_judgments_anonymised_and_removes_open_ones(world) -> None:
    member = world["member"].user
    closed, open_ = world["closed"], world["open"]
    before = ranking_of(open_)
    assert before.participants_scoring == 2
    client = Client()
    sign_in(client, member.username)
    assert client.get(reverse("account-delete")).status_code == 302  # the password is asked again first
    reauthenticate(client)
    assert client.get(reverse("account-delete")).status_code == 200
    assert client.post(reverse("account-delete"), {}).status_code == 200  # not confirmed: nothing happens
    assert get_user_model().objects.filter(pk=member.pk).exists()
    response = client.post(reverse("account-delete"), {"confirm": "delete"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert "_auth_user_id" not in client.session

    kept, _other = world["people"][closed.pk]
    kept.refresh_from_db()
    assert (kept.user_id, kept.alias) == (None, "Participant 1")
    assert kept.scores.count() == 2  # the closed exercise's record does not change
    assert Comment.objects.filter(author=kept).exists()

    gone, other = world["people"][open_.pk]
    assert not Participant.objects.filter(pk=gone.pk).exists()
    assert not ScoreJudgment.objects.filter(participant_id=gone.pk).exists()
    reply = Comment.objects.get(author=other)
    assert reply.parent_id is None  # another person's reply stays
    after = ranking_of(open_)
    assert after.participants_scoring == 1
    assert [r.option.pk for r in after.ranking] != [r.option.pk for r in before.ranking]
    assert not AuditEvent.objects.filter(action=AuditAction.SIGNED_IN, actor_id=member.pk).exists()
    left = AuditEvent.objects.get(team=closed.team, action=AuditAction.MEMBER_LEFT)
    assert "Keita" not in left.subject_name and left.detail["account_deleted"] is True
    assert not AuditEvent.objects.filter(subject_name__contains=member.username).exists()


def test_the_last_owner_cannot_delete_their_account(world) -> None:
    owner = world["owner"].user
    client = Client()
    sign_in(client, owner.username)
    reauthenticate(client)
    page = client.get(reverse("account-delete")).content.decode()
    assert "last owner" in page
    client.post(reverse("account-delete"), {"confirm": "delete"})
    assert get_user_model().objects.filter(pk=owner.pk).exists()


def test_guests_names_are_erased_after_the_retention() -> None:
    exercise = make_exercise(options=2, criteria=1)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, anonymity=Anonymity.NAMED, phase=Phase.SCORING, guest_retention_days=30
    )
    exercise.refresh_from_db()
    guest = join_as_guest(exercise=exercise, display_name="Awa Diallo")
    ScoreJudgment.objects.create(
        participant=guest, option=exercise.options.first(), criterion=exercise.criteria.get(), value=4
    )
    assert erase_expired_guests() == 0  # still open
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.CLOSED, phase_started=timezone.now())
    assert erase_expired_guests() == 0  # closed, retention not over
    assert erase_expired_guests(now=timezone.now() + timedelta(days=31)) == 1
    guest.refresh_from_db()
    assert guest.alias == f"Participant {guest.number}" and "Awa" not in guest.alias
    assert guest.scores.count() == 1
    assert erase_expired_guests(now=timezone.now() + timedelta(days=31)) == 0  # done once


def test_exercises_without_retention_keep_guests() -> None:
    exercise = make_exercise(options=2, criteria=1)
    Exercise.objects.filter(pk=exercise.pk).update(
        phase=Phase.CLOSED, phase_started=timezone.now() - timedelta(days=900)
    )
    exercise.refresh_from_db()
    guest = join_as_guest(exercise=exercise, display_name="Awa Diallo")
    assert erase_expired_guests() == 0
    guest.refresh_from_db()
    assert guest.alias == "Awa Diallo"


def test_the_setup_form_takes_the_retention(client) -> None:
    exercise = make_exercise(options=2, criteria=1)
    facilitator = MembershipFactory(team=exercise.team, role=Role.FACILITATOR)
    client.force_login(facilitator.user)
    case = exercise.case
    response = client.post(
        reverse("exercise-new", args=[case.pk]),
        {
            "title": "Kept briefly",
            "options": list(case.options.values_list("pk", flat=True)),
            "criteria": list(case.criteria.values_list("pk", flat=True)),
            "method": "weighted_sum",
            "mode": "workshop",
            "guest_retention_days": "7",
        },
    )
    assert response.status_code == 302
    assert Exercise.objects.get(title__en="Kept briefly").guest_retention_days == 7


def rate_cells(exercise: Exercise) -> dict[str, DriverState]:
    """Two drivers on the exercise's case; each of its two participants rates both cells between them."""
    states = {}
    for d, (key, names) in enumerate([("regime", ["junta", "civilian"]), ("aid", ["suspended", "restored"])]):
        driver = Driver.objects.create(case=exercise.case, key=key, name={"en": key.title()}, position=d)
        for s, name in enumerate(names):
            states[name] = DriverState.objects.create(
                driver=driver, key=name, name={"en": name.title()}, position=s
            )
    mine, other = exercise.participants.order_by("number")
    for participant, value in ((mine, -2), (other, 3)):
        ImpactJudgment.objects.create(
            participant=participant, source=states["junta"], target=states["suspended"], value=value
        )
        ImpactJudgment.objects.create(
            participant=participant,
            source=states["restored"],
            target=states["civilian"],
            round=2,
            value=value,
        )
    return states


def test_the_download_holds_ones_own_cross_impact_ratings_and_no_one_elses(world) -> None:
    rate_cells(world["closed"])
    data = export_personal_data(user=world["member"].user)
    closed, open_ = data["participations"]
    ratings = closed["cross_impacts"]
    assert [(r["source"], r["target"], r["round"], r["impact"]) for r in ratings] == [
        (["regime", "junta"], ["aid", "suspended"], 1, -2),
        (["aid", "restored"], ["regime", "civilian"], 2, -2),
    ]  # the other participant's +3 are not there
    assert all(r["updated"] for r in ratings)
    assert open_["cross_impacts"] == []  # no rating given there


def test_deleting_the_account_treats_cross_impact_ratings_as_scores(world) -> None:
    closed, open_ = world["closed"], world["open"]
    rate_cells(closed)
    rate_cells(open_)
    Exercise.objects.filter(pk=open_.pk).update(facilitated=True, phase=Phase.IMPACTS)
    open_.refresh_from_db()
    before = group_impacts(open_, visibility=visibility_for(open_, facilitator=True), wanted_round=1)
    assert before is not None and before.n_members == 2
    client = Client()
    sign_in(client, world["member"].user.username)
    reauthenticate(client)
    assert client.post(reverse("account-delete"), {"confirm": "delete"}).status_code == 302

    kept, _other = world["people"][closed.pk]
    kept.refresh_from_db()
    assert kept.user_id is None
    assert sorted(kept.impacts.values_list("value", flat=True)) == [-2, -2]  # the closed record stays
    gone, other = world["people"][open_.pk]
    assert not ImpactJudgment.objects.filter(participant_id=gone.pk).exists()
    assert sorted(other.impacts.values_list("value", flat=True)) == [3, 3]
    after = group_impacts(open_, visibility=visibility_for(open_, facilitator=True), wanted_round=1)
    assert after is not None and after.n_members == 1
    assert after.ensemble.group_impacts.max() == 3  # only the other person's rating is left in the mean
