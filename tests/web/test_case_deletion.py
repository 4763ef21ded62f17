"""Deleting a whole case or exercise: the account of what goes with it, the confirmation, nothing reachable
afterwards (pages, reports, API), restore from the team's list for a while, and the purge after that."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import (
    Case,
    DeletedItem,
    Evidence,
    Exercise,
    Report,
    ScoreJudgment,
    SourceDocument,
    TokenScope,
)
from policies.models.reports import ReportKind
from policies.services.api_tokens import create_token
from policies.services.deletions import purge_expired_deletions
from tests.factories import CaseFactory, ParticipantFactory, ScoreJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


def _exercise_with_judgments(team) -> Exercise:  # type: ignore[no-untyped-def]
    exercise = make_exercise(team=team)
    participant = ParticipantFactory(exercise=exercise)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion)
    Report.objects.create(exercise=exercise, kind=ReportKind.CSV)
    return exercise


def _api(client, user, path: str):  # type: ignore[no-untyped-def]
    _token, secret = create_token(user=user, name="tests", scopes=list(TokenScope.values))
    return client.get(path, headers={"Authorization": f"Bearer {secret}"})


def test_the_confirmation_says_what_goes_with_the_case(client, login) -> None:
    membership = login("analyst")
    exercise = _exercise_with_judgments(membership.team)
    response = client.get(reverse("case-delete", args=[exercise.case.pk]))
    assert response.status_code == 200
    account = response.content.decode()
    for line in ("3 options", "2 criteria", "1 exercises", "1 participants", "1 judgments", "1 reports"):
        assert line in account
    assert Case.objects.filter(pk=exercise.case.pk).exists()  # looking is not deleting


def test_a_deleted_case_is_reachable_nowhere_then_comes_back(client, login) -> None:
    membership = login("owner")
    exercise = _exercise_with_judgments(membership.team)
    case = exercise.case
    report = Report.objects.get(exercise=exercise)
    response = client.post(reverse("case-delete", args=[case.pk]), {"version": str(case.version)})
    assert response.status_code == 302 and response["Location"] == reverse(
        "team", args=[membership.team.slug]
    )

    stored = Case.all_objects.get(pk=case.pk)
    assert stored.deleted is not None and stored.deleted_by == membership.user
    assert (stored.version, stored.history.count()) == (case.version, case.history.count())  # no edit
    assert ScoreJudgment.objects.filter(participant__exercise=exercise).exists()  # hidden, not gone
    for url in (
        reverse("case", args=[case.pk]),
        reverse("case-edit", args=[case.pk]),
        reverse("case-export", args=[case.pk]),
        reverse("exercise", args=[exercise.pk]),
        reverse("results", args=[exercise.pk]),
        reverse("workshop-play", args=[exercise.pk]),
        reverse("report-status", args=[report.pk]),
        reverse("report-download", args=[report.pk]),
    ):
        assert client.get(url).status_code == 404, url
    team_page = client.get(reverse("team", args=[membership.team.slug])).content.decode()
    assert reverse("case", args=[case.pk]) not in team_page
    user = membership.user
    assert case.pk not in [item["id"] for item in _api(client, user, "/api/cases").json()["items"]]
    assert exercise.pk not in [item["id"] for item in _api(client, user, "/api/exercises").json()["items"]]
    assert _api(client, user, f"/api/cases/{case.pk}").status_code == 404
    assert _api(client, user, f"/api/exercises/{exercise.pk}").status_code == 404
    assert _api(client, user, f"/api/reports/{report.pk}").status_code == 404

    listing = client.get(reverse("team-deleted", args=[membership.team.slug]))
    assert listing.status_code == 200
    restore = reverse("case-restore", args=[membership.team.slug, case.pk])
    assert restore in listing.content.decode()
    response = client.post(restore)
    assert response.status_code == 302 and response["Location"] == reverse("case", args=[case.pk])
    assert Case.objects.get(pk=case.pk).deleted is None
    assert client.get(reverse("exercise", args=[exercise.pk])).status_code == 200  # came back with its case
    assert client.get(reverse("report-status", args=[report.pk])).status_code == 200


def test_an_exercise_is_deleted_by_a_facilitator_and_restored(client, login) -> None:
    membership = login("facilitator")
    exercise = _exercise_with_judgments(membership.team)
    page = client.get(reverse("exercise-delete", args=[exercise.pk])).content.decode()
    assert "1 participants" in page and "1 judgments" in page and "1 reports" in page
    assert client.get(reverse("case", args=[exercise.case.pk])).status_code == 200
    response = client.post(reverse("exercise-delete", args=[exercise.pk]), {"version": str(exercise.version)})
    assert response.status_code == 302
    assert client.get(reverse("exercise", args=[exercise.pk])).status_code == 404
    case_page = client.get(reverse("case", args=[exercise.case.pk])).content.decode()
    assert reverse("exercise", args=[exercise.pk]) not in case_page
    assert exercise.pk not in [
        e["id"] for e in _api(client, membership.user, "/api/exercises").json()["items"]
    ]

    restore = reverse("exercise-restore", args=[membership.team.slug, exercise.pk])
    assert restore in client.get(reverse("team-deleted", args=[membership.team.slug])).content.decode()
    assert client.post(restore).status_code == 302
    assert client.get(reverse("exercise", args=[exercise.pk])).status_code == 200


def test_a_stale_confirmation_deletes_nothing(client, login) -> None:
    membership = login("analyst")
    case = CaseFactory(team=membership.team)
    Case.objects.filter(pk=case.pk).update(version=5)
    response = client.post(reverse("case-delete", args=[case.pk]), {"version": "4"})
    assert response.status_code == 409
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    ("role", "case_status", "exercise_status"), [("participant", 403, 403), ("analyst", 200, 403)]
)
def test_who_may_delete(client, login, role: str, case_status: int, exercise_status: int) -> None:
    membership = login(role)
    exercise = make_exercise(team=membership.team)
    assert client.get(reverse("case-delete", args=[exercise.case.pk])).status_code == case_status
    assert client.post(reverse("exercise-delete", args=[exercise.pk]), {}).status_code == exercise_status
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_another_team_cannot_see_nor_restore_what_was_deleted(client, login) -> None:
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(deleted=timezone.now())
    intruder = login("owner")
    assert client.post(reverse("case-restore", args=[intruder.team.slug, case.pk])).status_code == 404
    assert client.post(reverse("case-restore", args=[case.team.slug, case.pk])).status_code == 404
    assert Case.all_objects.get(pk=case.pk).deleted is not None


def test_after_the_window_a_deletion_is_no_longer_restorable_and_the_purge_removes_it(client, login) -> None:
    membership = login("owner")
    old, recent = CaseFactory(team=membership.team), CaseFactory(team=membership.team)
    source = SourceDocument.objects.create(case=old, key="report", title="Report")
    Evidence.objects.create(case=old, source=source, key="passage", text={"en": "A passage"})  # cites it
    exercise = _exercise_with_judgments(membership.team)
    long_ago = timezone.now() - timedelta(days=DeletedItem.RESTORE_DAYS + 1)
    Case.objects.filter(pk=old.pk).update(deleted=long_ago)
    Case.objects.filter(pk=recent.pk).update(deleted=timezone.now())
    Exercise.objects.filter(pk=exercise.pk).update(deleted=long_ago)
    item = DeletedItem.objects.create(case=recent, kind="option", label="Old option", rows=[])
    DeletedItem.objects.filter(pk=item.pk).update(deleted_at=long_ago)

    listing = client.get(reverse("team-deleted", args=[membership.team.slug])).content.decode()
    assert reverse("case-restore", args=[membership.team.slug, recent.pk]) in listing
    assert reverse("case-restore", args=[membership.team.slug, old.pk]) not in listing
    assert client.post(reverse("case-restore", args=[membership.team.slug, old.pk])).status_code == 404

    purged = purge_expired_deletions()
    assert (purged.cases, purged.exercises) == (1, 1)
    assert not Case.all_objects.filter(pk=old.pk).exists()
    assert not SourceDocument.objects.filter(pk=source.pk).exists()
    assert not Exercise.all_objects.filter(pk=exercise.pk).exists()
    assert not ScoreJudgment.objects.filter(participant__exercise_id=exercise.pk).exists()
    assert not DeletedItem.objects.filter(pk=item.pk).exists()
    assert Case.all_objects.filter(pk=recent.pk).exists()  # still within its window
    assert purge_expired_deletions().cases == 0  # idempotent


def test_a_new_case_does_not_take_the_identifier_of_a_deleted_one(client, login) -> None:
    membership = login("analyst")
    data = {"title_en": "Drought basin"}
    client.post(reverse("case-new", args=[membership.team.slug]), data)
    first = Case.objects.get(team=membership.team)
    client.post(reverse("case-delete", args=[first.pk]), {"version": str(first.version)})
    response = client.post(reverse("case-new", args=[membership.team.slug]), data)
    assert response.status_code == 302
    second = Case.objects.get(team=membership.team)
    assert second.key != first.key
    assert client.post(reverse("case-restore", args=[membership.team.slug, first.pk])).status_code == 302
    assert Case.objects.filter(team=membership.team).count() == 2


def _history(client, team) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The team history's rows as (action, who, what) read off the owner's page."""
    page = client.get(reverse("team-history", args=[team.slug])).content.decode()
    rows = re.findall(
        r'<tr data-action="(\w+)">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>(.*?)</td>', page, re.S
    )
    return [(action, who.strip(), re.sub(r"<[^>]+>", "", what).strip()) for action, who, what in rows]


def test_deletions_restorations_and_the_purge_are_in_the_team_history(client, login) -> None:
    membership = login("owner")
    team, name = membership.team, membership.user.get_username()
    exercise = _exercise_with_judgments(team)
    case = exercise.case
    client.post(reverse("exercise-delete", args=[exercise.pk]), {"version": str(exercise.version)})
    client.post(reverse("exercise-restore", args=[team.slug, exercise.pk]))
    client.post(reverse("case-delete", args=[case.pk]), {"version": str(case.version)})
    client.post(reverse("case-restore", args=[team.slug, case.pk]))
    history = _history(client, team)
    assert [row[0] for row in history[:4]] == [
        "case_restored", "case_deleted", "exercise_restored", "exercise_deleted"
    ]  # fmt: skip
    assert all(who.startswith(name) or name in who for _action, who, _what in history[:4])
    assert history[1][2] == f"deleted a case (“{case}”)"
    assert history[3][2] == f"deleted an exercise (“{exercise}”)"

    # The purge has no actor; the names stay readable after the things themselves are gone.
    long_ago = timezone.now() - timedelta(days=DeletedItem.RESTORE_DAYS + 1)
    Case.objects.filter(pk=case.pk).update(deleted=long_ago)
    purge_expired_deletions()
    assert not Case.all_objects.filter(pk=case.pk).exists()
    action, who, what = _history(client, team)[0]
    assert (action, who) == ("case_purged", "—")
    assert what == f"a deleted case was removed for good (“{case}”)"


def test_a_refused_deletion_writes_no_history(client, login) -> None:
    membership = login("analyst")
    case = CaseFactory(team=membership.team)
    Case.objects.filter(pk=case.pk).update(version=5)
    assert client.post(reverse("case-delete", args=[case.pk]), {"version": "4"}).status_code == 409
    assert not membership.team.audit_events.filter(action__startswith="case_").exists()
