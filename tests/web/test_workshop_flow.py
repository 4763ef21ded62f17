"""A facilitated workshop through the web: set-up, joining by code, phases, blind scoring, Delphi rounds."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import Exercise, Participant, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, make_exercise

pytestmark = pytest.mark.django_db


def workshop(**fields) -> Exercise:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.BRIEFING, max_rounds=3, consensus_threshold=1.0, **fields
    )
    return issue_join_code(exercise=exercise)


def facilitator_client(exercise: Exercise) -> Client:
    client = Client()
    membership = MembershipFactory(team=exercise.team, role=Role.FACILITATOR)
    client.force_login(membership.user)
    return client


def guest(exercise: Exercise, name: str) -> tuple[Client, Participant]:
    client = Client()
    response = client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": name, "join": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop-play", args=[exercise.pk])
    return client, Participant.objects.get(exercise=exercise, alias=name) if name else None


def set_phase(client: Client, exercise: Exercise, phase: str) -> None:
    exercise.refresh_from_db()
    response = client.post(
        reverse("workshop-phase", args=[exercise.pk]),
        {"phase": phase, "version": exercise.version, "confirm": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    exercise.refresh_from_db()
    assert exercise.phase == phase


def cells(exercise: Exercise):
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    return options, criteria


def score(client: Client, exercise: Exercise, option, criterion, value: str, **extra) -> object:
    return client.post(
        reverse("workshop-score", args=[exercise.pk, option.pk, criterion.pk]), {"value": value, **extra}
    )


def test_facilitator_sets_up_a_workshop_with_its_settings(client, login) -> None:
    membership = login("facilitator")
    exercise = make_exercise(team=membership.team)
    case = exercise.case
    data = {
        "title": "Live session",
        "options": list(case.options.values_list("pk", flat=True)),
        "criteria": list(case.criteria.values_list("pk", flat=True)),
        "method": "weighted_sum",
        "mode": "workshop",
        "weighting_method": "ahp",
        "scale": "1-5",
        "anonymity": "anonymous",
        "max_rounds": "2",
        "consensus_threshold": "0.5",
        "phase_minutes": "10",
    }
    response = client.post(reverse("exercise-new", args=[case.pk]), data)
    created = Exercise.objects.get(key="live-session")
    assert response["Location"] == reverse("workshop-facilitate", args=[created.pk])
    assert created.facilitated and created.blind and created.phase == Phase.BRIEFING
    assert (created.weighting_method, created.scale_min, created.scale_max) == ("ahp", 1.0, 5.0)
    assert (created.anonymity, created.max_rounds, created.consensus_threshold, created.phase_minutes) == (
        "anonymous",
        2,
        0.5,
        10,
    )
    assert created.join_code and len(created.join_code) == 8 and created.join_expires > timezone.now()
    page = client.get(reverse("workshop-facilitate", args=[created.pk])).content.decode()
    assert created.join_code in page and "No participants yet." in page


def test_bad_setup_values_are_refused(client, login) -> None:
    membership = login("facilitator")
    case = make_exercise(team=membership.team).case
    data = {
        "title": "X",
        "options": list(case.options.values_list("pk", flat=True)),
        "criteria": list(case.criteria.values_list("pk", flat=True)),
        "method": "weighted_sum",
        "mode": "workshop",
        "max_rounds": "0",
        "consensus_threshold": "-1",
    }
    response = client.post(reverse("exercise-new", args=[case.pk]), data)
    assert response.status_code == 422
    assert not Exercise.objects.filter(key="x").exists()


def test_guest_joins_by_code_and_follows_the_phases() -> None:
    exercise = workshop()
    boss = facilitator_client(exercise)
    amina, participant = guest(exercise, "Amina")
    assert participant.is_guest and participant.user is None and participant.number == 1
    page = amina.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert 'data-phase="briefing"' in page and "Amina" in page
    exercise.refresh_from_db()
    state = reverse("workshop-state", args=[exercise.pk])
    token = f"{exercise.phase}-{exercise.current_round}-{exercise.version}"
    assert amina.get(state, {"v": token}, headers={"HX-Request": "true"}).status_code == 204
    assert amina.get(state, headers={"If-None-Match": f'"{token}"'}).status_code == 304

    set_phase(boss, exercise, Phase.WEIGHTING)
    changed = amina.get(state, {"v": token}, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    html = changed.content.decode()
    assert 'data-phase="weighting"' in html and "Your weights" in html and "<html" not in html

    options, criteria = cells(exercise)
    # Scoring is not open yet: the judgment is refused with a clear reason and nothing is written.
    refused = score(amina, exercise, options[0], criteria[0], "5")
    assert refused.status_code == 422 and "Weighting" in refused.content.decode()
    assert not ScoreJudgment.objects.exists()

    weights = {f"w-{criteria[0].pk}": "70", f"w-{criteria[1].pk}": "30"}
    assert amina.post(reverse("workshop-weights", args=[exercise.pk]), weights).status_code == 200
    assert sorted(WeightJudgment.objects.values_list("value", flat=True)) == [30, 70]
    bad = amina.post(
        reverse("workshop-weights", args=[exercise.pk]), {**weights, f"w-{criteria[1].pk}": "50"}
    )
    assert bad.status_code == 422 and "must add up to 100" in bad.content.decode()
    assert sorted(WeightJudgment.objects.values_list("value", flat=True)) == [30, 70]


def test_join_page_link_and_errors() -> None:
    exercise = workshop()
    client = Client()
    page = client.get(reverse("workshop-join-code", args=[exercise.join_code]))
    assert page.status_code == 200 and exercise.title["en"] in page.content.decode()
    assert 'name="name"' in page.content.decode()
    # The code can be typed in lower case with a dash.
    lower = exercise.join_code.lower()
    typed = client.post(reverse("workshop-join"), {"code": f"{lower[:4]}-{lower[4:]}"})
    assert typed.status_code == 200 and 'name="name"' in typed.content.decode()
    no_name = client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "  ", "join": "1"})
    assert no_name.status_code == 422 and "Enter the name" in no_name.content.decode()
    assert not Participant.objects.exists()
    wrong = client.post(reverse("workshop-join"), {"code": "ZZZZZZZZ", "name": "X"})
    assert wrong.status_code == 422 and "does not open any workshop" in wrong.content.decode()


def test_expired_and_closed_codes_do_not_open_the_workshop() -> None:
    exercise = workshop()
    Exercise.objects.filter(pk=exercise.pk).update(join_expires=timezone.now() - timedelta(minutes=1))
    client = Client()
    assert (
        client.post(
            reverse("workshop-join"), {"code": exercise.join_code, "name": "A", "join": "1"}
        ).status_code
        == 422
    )
    Exercise.objects.filter(pk=exercise.pk).update(
        join_expires=timezone.now() + timedelta(hours=1), phase="closed"
    )
    assert (
        client.post(
            reverse("workshop-join"), {"code": exercise.join_code, "name": "A", "join": "1"}
        ).status_code
        == 422
    )
    assert not Participant.objects.exists()


def test_wrong_codes_are_rate_limited_but_the_right_code_still_opens() -> None:
    exercise = workshop()
    client = Client()
    for _ in range(20):
        assert client.post(reverse("workshop-join"), {"code": "AAAAAAAA"}).status_code == 422
    blocked = client.post(reverse("workshop-join"), {"code": "AAAAAAAB"})
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 600
    # A room behind one address: its typos do not keep the right code out.
    joined = client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "Late", "join": "1"})
    assert joined.status_code == 302
    assert Participant.objects.get().alias == "Late"
    assert client.get(reverse("workshop-join-code", args=["ZZZZZZZZ"])).status_code == 429


def test_codes_are_unguessable_and_renewable() -> None:
    exercise = workshop()
    old = exercise.join_code
    codes = {issue_join_code(exercise=exercise).join_code for _ in range(20)}
    assert len(codes) == 20 and old not in codes
    assert all(len(code) == 8 and code.isalnum() and code.isupper() for code in codes)
    assert Client().post(reverse("workshop-join"), {"code": old, "name": "A", "join": "1"}).status_code == 422


def test_logged_in_user_of_another_team_joins_as_themselves(client, login) -> None:
    exercise = workshop()
    outsider = login("participant")
    response = client.post(reverse("workshop-join"), {"code": exercise.join_code, "join": "1"})
    assert response.status_code == 302
    participant = Participant.objects.get(exercise=exercise)
    # Not a member of the team: a guest of this one exercise, under their own account.
    assert participant.user == outsider.user and participant.is_guest
    assert client.get(reverse("workshop-play", args=[exercise.pk])).status_code == 200
    # Joining a workshop does not open the team's other pages.
    assert client.get(reverse("exercise", args=[exercise.pk])).status_code == 404


def test_blind_scoring_reveal_and_delphi_round() -> None:
    exercise = workshop()
    boss = facilitator_client(exercise)
    people = [guest(exercise, name) for name in ("Ana", "Bo", "Cy")]
    set_phase(boss, exercise, Phase.SCORING)
    options, criteria = cells(exercise)
    for (client, _p), value in zip(people, ["2", "5", "9"], strict=True):
        for option in options:
            for criterion in criteria:
                response = score(
                    client, exercise, option, criterion, value, rationale=f"because {value}", confidence="4"
                )
                assert response.status_code == 200, response.content.decode()
    assert ScoreJudgment.objects.count() == 12
    assert ScoreJudgment.objects.filter(confidence=4, rationale__en="because 9").count() == 4
    # Blind: during scoring nobody sees the others' values or reasons.
    ana = people[0][0]
    page = ana.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert "because 9" not in page and "because 5" not in page and "Group median" not in page

    set_phase(boss, exercise, Phase.REVEAL)
    page = ana.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert "median 5, IQR 3.50 (3 scores)" in page
    assert "because 9" in page and "in dispute" in page and "Cy" not in page.split("You take part")[1]
    refused = score(ana, exercise, options[0], criteria[0], "5")
    assert refused.status_code == 422

    # Round 2: feedback per cell, revisions kept per round.
    exercise.refresh_from_db()
    response = boss.post(reverse("workshop-round", args=[exercise.pk]), {"version": exercise.version})
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert (exercise.current_round, exercise.phase) == (2, Phase.SCORING)
    page = ana.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert "Group median 5, IQR 3.50; yours was 2." in page and "because 5" in page
    for client, _p in people:
        for option in options:
            for criterion in criteria:
                assert score(client, exercise, option, criterion, "6").status_code == 200
    assert ScoreJudgment.objects.filter(round=1).count() == 12
    assert ScoreJudgment.objects.filter(round=2, value=6).count() == 12
    board = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert "Consensus reached on every judged cell" in board and "No cells in dispute." in board
    set_phase(boss, exercise, Phase.CLOSED)
    assert score(ana, exercise, options[0], criteria[0], "5").status_code == 422


def test_dashboard_shows_progress_hotspots_and_polls_cheaply() -> None:
    exercise = workshop()
    boss = facilitator_client(exercise)
    (ana, _a), (bo, _b) = guest(exercise, "Ana"), guest(exercise, "Bo")
    set_phase(boss, exercise, Phase.SCORING)
    options, criteria = cells(exercise)
    score(ana, exercise, options[0], criteria[0], "1")
    score(bo, exercise, options[0], criteria[0], "9")
    score(ana, exercise, options[1], criteria[0], "5")
    score(bo, exercise, options[1], criteria[0], "5")
    page = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert "Ana" in page and "Bo" in page and "2 participants" in page
    hotspots = page.split('data-testid="hotspots"')[1].split("</table>")[0]
    assert options[0].name["en"] in hotspots and options[1].name["en"] not in hotspots
    live = reverse("workshop-live", args=[exercise.pk])
    first = boss.get(live, headers={"HX-Request": "true"})
    token = first.content.decode().split("?v=")[1].split('"')[0]
    assert boss.get(live, {"v": token}).status_code == 204
    score(ana, exercise, options[0], criteria[1], "3")
    assert boss.get(live, {"v": token}).status_code == 200


def test_permissions_of_the_workshop_views(client, login) -> None:
    exercise = workshop()
    ids = [exercise.pk]
    # Anonymous visitors with no joined session: the participant screens are 404, the facilitator's need login.
    for name in ("workshop-play", "workshop-state", "workshop-comments"):
        assert client.get(reverse(name, args=ids)).status_code == 404
    for name in ("workshop-facilitate", "workshop-live", "workshop-trail"):
        assert client.get(reverse(name, args=ids))["Location"].startswith(reverse("account_login"))
    # Another team's facilitator: 404 everywhere.
    login("facilitator")
    for name in ("workshop-play", "workshop-facilitate", "workshop-trail", "workshop-live"):
        assert client.get(reverse(name, args=ids)).status_code == 404
    assert (
        client.post(reverse("workshop-phase", args=ids), {"phase": "scoring", "version": 1}).status_code
        == 404
    )
    # A participant of the team may play but not steer.
    login("participant", team=exercise.team)
    assert client.get(reverse("workshop-play", args=ids)).status_code == 200
    for name in ("workshop-facilitate", "workshop-trail", "workshop-live"):
        assert client.get(reverse(name, args=ids)).status_code == 403
    exercise.refresh_from_db()
    assert (
        client.post(
            reverse("workshop-phase", args=ids), {"phase": "scoring", "version": exercise.version}
        ).status_code
        == 403
    )
    assert client.post(reverse("workshop-round", args=ids), {"version": exercise.version}).status_code == 403
    assert client.post(reverse("workshop-code", args=ids)).status_code == 403
    exercise.refresh_from_db()
    assert exercise.phase == Phase.BRIEFING
    # An observer watches but cannot judge.
    login("observer", team=exercise.team)
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.SCORING)
    options, criteria = cells(exercise)
    assert score(client, exercise, options[0], criteria[0], "3").status_code == 403
    assert not ScoreJudgment.objects.exists()
    # A guest of another workshop cannot reach this one.
    other = workshop()
    intruder, _p = guest(other, "Eve")
    assert intruder.get(reverse("workshop-play", args=ids)).status_code == 404
    assert score(intruder, exercise, options[0], criteria[0], "3").status_code == 404


def test_team_member_of_a_facilitated_exercise_is_sent_to_the_workshop_screen(client, login) -> None:
    exercise = workshop()
    login("participant", team=exercise.team)
    assert client.get(reverse("exercise", args=[exercise.pk]))["Location"] == reverse(
        "workshop-play", args=[exercise.pk]
    )


def test_settings_edited_by_two_facilitators_conflict_with_a_409() -> None:
    exercise = workshop()
    first, second = facilitator_client(exercise), facilitator_client(exercise)
    form = {
        "version": exercise.version,
        "weighting_method": "direct",
        "anonymity": "named",
        "max_rounds": "4",
        "consensus_threshold": "1.5",
        "phase_minutes": "",
        "blind": "on",
    }
    assert first.post(reverse("workshop-settings", args=[exercise.pk]), form).status_code == 302
    clash = second.post(reverse("workshop-settings", args=[exercise.pk]), {**form, "max_rounds": "2"})
    assert clash.status_code == 409
    assert "Another facilitator saved these settings" in clash.content.decode()
    exercise.refresh_from_db()
    assert (exercise.max_rounds, exercise.consensus_threshold) == (4, 1.5)
    bad = first.post(
        reverse("workshop-settings", args=[exercise.pk]),
        {**form, "version": exercise.version, "max_rounds": "0"},
    )
    assert bad.status_code == 422 and Exercise.objects.get(pk=exercise.pk).max_rounds == 4
    stale_phase = second.post(
        reverse("workshop-phase", args=[exercise.pk]), {"phase": "scoring", "version": 1}
    )
    assert stale_phase.status_code == 409 and Exercise.objects.get(pk=exercise.pk).phase == Phase.BRIEFING


def test_threaded_comments_and_the_decision_trail() -> None:
    exercise = workshop()
    boss = facilitator_client(exercise)
    (ana, _a), (bo, _b) = guest(exercise, "Ana"), guest(exercise, "Bo")
    options, criteria = cells(exercise)
    url = reverse("workshop-comments", args=[exercise.pk])
    first = ana.post(url, {"subject": f"c-{criteria[0].pk}", "body": "Is cost in dollars?"})
    assert first.status_code == 200
    parent = exercise.comments.get()
    reply = bo.post(url, {"parent": parent.pk, "body": "Yes, per year."})
    assert reply.status_code == 200
    html = bo.get(url).content.decode()
    assert html.index("Is cost in dollars?") < html.index("Yes, per year.") and "Ana" in html
    assert exercise.comments.get(parent=parent).criterion == criteria[0]
    empty = ana.post(url, {"subject": f"o-{options[0].pk}", "body": "  "})
    assert empty.status_code == 422 and "Write something" in empty.content.decode()
    assert exercise.comments.count() == 2
    token = ana.get(url).context["comment_token"]
    assert ana.get(url, {"v": token}).status_code == 204

    set_phase(boss, exercise, Phase.SCORING)
    score(ana, exercise, options[0], criteria[0], "3")
    score(ana, exercise, options[0], criteria[0], "4")
    trail_page = boss.get(reverse("workshop-trail", args=[exercise.pk])).content.decode()
    rows = trail_page.split('data-testid="trail"')[1]
    assert rows.count("<tr>") == 3 and "Ana" in rows and "changed" in rows
