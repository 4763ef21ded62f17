"""In an anonymous workshop, nobody's identity appears in any response: pages, partials, trail, exports."""

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Exercise, Membership, Role
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, UserFactory, make_exercise

pytestmark = pytest.mark.django_db


def collect(
    client: Client, exercise: Exercise, responses: list[tuple[str, str]], *, facilitator: bool
) -> None:
    urls = [
        reverse("workshop-play", args=[exercise.pk]),
        reverse("workshop-state", args=[exercise.pk]) + "?v=stale",
        reverse("workshop-comments", args=[exercise.pk]),
    ]
    if facilitator:
        urls += [
            reverse("workshop-facilitate", args=[exercise.pk]),
            reverse("workshop-live", args=[exercise.pk]),
            reverse("workshop-trail", args=[exercise.pk]),
            reverse("results", args=[exercise.pk]),
            reverse("case-export", args=[exercise.case_id]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 204), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        responses.append((url, body.decode("utf-8", "replace")))


@pytest.mark.parametrize("anonymity", ["anonymous", "pseudonymous"])
def test_identities_appear_nowhere_in_an_anonymous_workshop(anonymity: str) -> None:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.BRIEFING, anonymity=anonymity
    )
    exercise = issue_join_code(exercise=exercise)
    boss = Client()
    boss_member = MembershipFactory(team=exercise.team, role=Role.FACILITATOR)
    boss.force_login(boss_member.user)

    people = []
    identities = []
    for k in range(2):
        user = UserFactory(username=f"zz-user-{k}", first_name=f"Firstname{k}", last_name=f"Lastname{k}")
        Membership.objects.create(team=exercise.team, user=user, role=Role.PARTICIPANT)
        client = Client()
        client.force_login(user)
        assert client.get(reverse("workshop-play", args=[exercise.pk])).status_code == 200
        people.append((client, [user.username, user.first_name, user.last_name, user.email]))
        identities += [user.username, user.first_name, user.last_name, user.email]
    guest = Client()
    guest_join = guest.post(
        reverse("workshop-join"), {"code": exercise.join_code, "name": "Guestname Secret", "join": "1"}
    )
    assert guest_join.status_code == 302
    people.append((guest, ["Guestname Secret"]))
    identities.append("Guestname Secret")

    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    responses: list[tuple[str, str]] = []
    for phase in (Phase.BRIEFING, Phase.SCORING, Phase.REVEAL, Phase.DISCUSSION, Phase.CLOSED):
        Exercise.objects.filter(pk=exercise.pk).update(phase=phase)
        if phase == Phase.SCORING:
            for n, (client, _ids) in enumerate(people):
                for option in options:
                    for criterion in criteria:
                        response = client.post(
                            reverse("workshop-score", args=[exercise.pk, option.pk, criterion.pk]),
                            {"value": str(n + 2), "rationale": f"reason {n}", "confidence": "3"},
                        )
                        assert response.status_code == 200
                        responses.append(("score", response.content.decode()))
        if phase == Phase.DISCUSSION:
            for n, (client, _ids) in enumerate(people):
                response = client.post(
                    reverse("workshop-comments", args=[exercise.pk]),
                    {"subject": f"o-{options[0].pk}", "body": f"comment {n}"},
                )
                assert response.status_code == 200
                responses.append(("comment", response.content.decode()))
        collect(boss, exercise, responses, facilitator=True)
        for client, _ids in people:
            collect(client, exercise, responses, facilitator=False)

    assert any("comment 2" in body for _url, body in responses)
    assert any("reason 1" in body for _url, body in responses)
    if anonymity == "anonymous":
        # Nobody's identity anywhere, not even in the facilitator's pages, the trail or the export.
        for url, body in responses:
            for identity in identities:
                assert identity not in body.replace(f'<span class="who">{identity}</span>', ""), (
                    url,
                    identity,
                )
    else:
        # Pseudonymous: participants see pseudonyms only; the facilitator's dashboard names people.
        facilitator_pages = [body for url, body in responses if "facilitate" in url]
        assert any("Guestname Secret" in body for body in facilitator_pages)
        for client, own in people:
            bodies = []
            collect(client, exercise, bodies, facilitator=False)
            others = [i for i in identities if i not in own]
            for url, body in bodies:
                for identity in others:
                    assert identity not in body, (url, identity)
