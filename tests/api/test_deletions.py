"""Whole cases and exercises deleted and restored through the API: the same services, roles, versions and
history as the web's confirmation pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from policies.models import AuditEvent, Case, DeletedItem, Exercise, Report, TokenScope
from policies.models.reports import ReportKind
from tests.api.conftest import error_of
from tests.factories import CaseFactory, ParticipantFactory, ScoreJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


def _exercise_with_judgments(team) -> Exercise:  # type: ignore[no-untyped-def]
    exercise = make_exercise(team=team)
    participant = ParticipantFactory(exercise=exercise)
    ScoreJudgmentFactory(
        participant=participant, option=exercise.options.first(), criterion=exercise.criteria.first()
    )
    Report.objects.create(exercise=exercise, kind=ReportKind.CSV)
    return exercise


def test_a_case_is_deleted_with_an_account_and_restored(caller) -> None:
    analyst = caller("analyst")
    exercise = _exercise_with_judgments(analyst.team)
    case = exercise.case
    url = f"/api/cases/{case.pk}"

    answer = analyst.delete(f"{url}?version={case.version}")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["deleted"] == str(case)
    took = {item["what"]: item["count"] for item in body["took_along"]}
    assert (
        took["exercises"],
        took["participants"],
        took["judgments (weights and scores)"],
        took["reports"],
    ) == (1, 1, 1, 1)
    until = parse_datetime(body["restorable_until"])
    assert until is not None
    assert abs(until - (timezone.now() + timedelta(days=DeletedItem.RESTORE_DAYS))) < timedelta(minutes=1)
    # Gone from every answer, as on the web.
    assert analyst.get(url).status_code == 404
    assert case.pk not in [c["id"] for c in analyst.get("/api/cases").json()["items"]]
    assert analyst.get(f"/api/exercises/{exercise.pk}").status_code == 404
    assert analyst.delete(f"{url}?version={case.version}").status_code == 404  # not twice

    restored = analyst.post(f"{url}/restore")
    assert restored.status_code == 200 and restored.json() == {"restored": str(case), "id": case.pk}
    assert analyst.get(url).status_code == 200
    assert analyst.get(f"/api/exercises/{exercise.pk}").status_code == 200
    assert analyst.post(f"{url}/restore").status_code == 404  # nothing deleted any more

    actions = list(AuditEvent.objects.filter(team=analyst.team).values_list("action", "actor", "detail"))
    assert actions[:2] == [
        ("case_restored", analyst.user.pk, {"name": str(case)}),
        ("case_deleted", analyst.user.pk, {"name": str(case)}),
    ]


def test_a_deletion_needs_the_version_read_and_a_stale_one_deletes_nothing(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    Case.objects.filter(pk=case.pk).update(version=5)
    missing = analyst.delete(f"/api/cases/{case.pk}")
    assert missing.status_code == 422 and error_of(missing)["details"][0]["path"] == "version"
    stale = analyst.delete(f"/api/cases/{case.pk}?version=4")
    assert stale.status_code == 409 and error_of(stale)["code"] == "stale_version"
    assert "5" in error_of(stale)["message"]
    for bad in ("-1", "x", str(2**40)):
        assert analyst.delete(f"/api/cases/{case.pk}?version={bad}").status_code == 422
    assert Case.objects.filter(pk=case.pk).exists()
    assert not AuditEvent.objects.filter(team=analyst.team).exists()


def test_an_exercise_is_deleted_by_a_facilitator_only_and_comes_back(caller) -> None:
    facilitator = caller("facilitator")
    analyst = caller("analyst", team=facilitator.team)
    exercise = _exercise_with_judgments(facilitator.team)
    url = f"/api/exercises/{exercise.pk}"
    assert analyst.delete(f"{url}?version={exercise.version}").status_code == 403
    answer = facilitator.delete(f"{url}?version={exercise.version}")
    assert answer.status_code == 200
    took = {item["what"]: item["count"] for item in answer.json()["took_along"]}
    assert (took["participants"], took["judgments (weights and scores)"], took["reports"]) == (1, 1, 1)
    assert facilitator.get(url).status_code == 404
    assert analyst.post(f"{url}/restore").status_code == 404  # an analyst restores no exercise
    assert facilitator.post(f"{url}/restore").status_code == 200
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_an_exercise_of_a_deleted_case_comes_back_only_with_its_case(caller) -> None:
    owner = caller("owner")
    exercise = make_exercise(team=owner.team)
    assert owner.delete(f"/api/cases/{exercise.case.pk}?version={exercise.case.version}").status_code == 200
    assert owner.post(f"/api/exercises/{exercise.pk}/restore").status_code == 404
    assert owner.post(f"/api/cases/{exercise.case.pk}/restore").status_code == 200
    assert owner.get(f"/api/exercises/{exercise.pk}").status_code == 200


def test_no_one_outside_the_team_or_past_the_window_restores(caller) -> None:
    owner = caller("owner")
    stranger = caller("owner")
    participant = caller("participant", team=owner.team)
    case = CaseFactory(team=owner.team)
    assert stranger.delete(f"/api/cases/{case.pk}?version={case.version}").status_code == 404
    assert participant.delete(f"/api/cases/{case.pk}?version={case.version}").status_code == 403
    assert owner.delete(f"/api/cases/{case.pk}?version={case.version}").status_code == 200
    assert stranger.post(f"/api/cases/{case.pk}/restore").status_code == 404
    assert participant.post(f"/api/cases/{case.pk}/restore").status_code == 404
    Case.all_objects.filter(pk=case.pk).update(
        deleted=timezone.now() - timedelta(days=DeletedItem.RESTORE_DAYS + 1)
    )
    assert owner.post(f"/api/cases/{case.pk}/restore").status_code == 404
    assert Case.all_objects.get(pk=case.pk).deleted is not None


def test_deleting_needs_the_write_scope(caller) -> None:
    reader = caller("owner", scopes=[TokenScope.READ])
    case = CaseFactory(team=reader.team)
    assert reader.delete(f"/api/cases/{case.pk}?version={case.version}").status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
