"""Report jobs through the API: 202 with a status URL, status, and the file only once it is done."""

import pytest
from django.core.files.base import ContentFile

from policies.models import Report
from policies.models.reports import ReportStatus
from tests.api.conftest import error_of
from tests.factories import make_exercise

pytestmark = pytest.mark.django_db


def test_requesting_a_report_answers_202_with_a_status_url(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.post(f"/api/exercises/{exercise.pk}/reports", {"language": "fr"})
    assert response.status_code == 202
    body = response.json()
    report = Report.objects.get(exercise=exercise)
    assert body["id"] == report.pk
    assert body["status"] == "pending" and body["download_url"] is None
    assert body["status_url"] == f"/api/reports/{report.pk}" == response["Location"]
    assert (report.kind, report.language, report.requested_by) == ("pdf", "fr", member.user)
    status = member.get(body["status_url"])
    assert status.status_code == 200
    assert status.json()["status"] == "pending"


def test_without_a_body_the_report_is_a_pdf_in_the_requests_language(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.post(f"/api/exercises/{exercise.pk}/reports", headers={"Accept-Language": "fr"})
    assert response.status_code == 202
    assert Report.objects.get().language == "fr"


def test_a_report_request_refuses_unknown_fields(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.post(f"/api/exercises/{exercise.pk}/reports", {"language": "de"})
    assert response.status_code == 422
    assert error_of(response)["details"][0]["path"] == "$.language"
    response = member.post(f"/api/exercises/{exercise.pk}/reports", {"format": "pdf"})
    assert response.status_code == 422
    assert not Report.objects.exists()


def test_observers_may_follow_but_not_request_reports(caller) -> None:
    exercise = make_exercise()
    report = Report.objects.create(exercise=exercise)
    member = caller("observer", team=exercise.team)
    response = member.post(f"/api/exercises/{exercise.pk}/reports")
    assert response.status_code == 403
    assert Report.objects.count() == 1
    assert member.get(f"/api/reports/{report.pk}").status_code == 200


def test_another_teams_reports_are_not_found(caller) -> None:
    exercise = make_exercise()
    report = Report.objects.create(exercise=exercise, status=ReportStatus.DONE)
    member = caller("owner")
    for response in (
        member.post(f"/api/exercises/{exercise.pk}/reports"),
        member.get(f"/api/reports/{report.pk}"),
        member.get(f"/api/reports/{report.pk}/download"),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert Report.objects.count() == 1


def test_report_endpoints_need_the_reports_scope(caller) -> None:
    exercise = make_exercise()
    report = Report.objects.create(exercise=exercise)
    member = caller("owner", team=exercise.team, scopes=["read", "write"])
    assert member.post(f"/api/exercises/{exercise.pk}/reports").status_code == 403
    response = member.get(f"/api/reports/{report.pk}")
    assert response.status_code == 403
    assert "“reports” scope" in error_of(response)["message"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ReportStatus.PENDING, "This report is not ready yet (pending, 0%)."),
        (ReportStatus.RUNNING, "This report is not ready yet (running, 0%)."),
        (ReportStatus.FAILED, "This report failed: no Chromium"),
    ],
)
def test_a_report_is_downloaded_only_once_done(caller, status, message: str) -> None:
    exercise = make_exercise()
    report = Report.objects.create(exercise=exercise, status=status, error="no Chromium")
    member = caller("participant", team=exercise.team)
    response = member.get(f"/api/reports/{report.pk}/download")
    assert response.status_code == 409
    assert error_of(response) == {"code": "report_not_ready", "message": message, "details": []}


def test_a_done_report_downloads_as_pdf(caller, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    exercise = make_exercise()
    report = Report.objects.create(exercise=exercise, status=ReportStatus.DONE, progress=100)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    member = caller("observer", team=exercise.team)
    body = member.get(f"/api/reports/{report.pk}").json()
    assert body["download_url"] == f"/api/reports/{report.pk}/download"
    response = member.get(body["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{exercise.key}-en.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


def test_a_done_report_whose_file_is_gone_is_404(caller, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    exercise = make_exercise()
    report = Report.objects.create(exercise=exercise, status=ReportStatus.DONE, file="reports/gone.pdf")
    response = caller("participant", team=exercise.team).get(f"/api/reports/{report.pk}/download")
    assert response.status_code == 404
    assert error_of(response)["message"] == "The file of this report is missing."


def test_a_repeated_request_returns_the_job_under_way_and_the_quota_is_a_429(caller, settings) -> None:
    settings.REPORTS_IN_FLIGHT_PER_USER = 2
    exercise = make_exercise()
    member = caller("analyst", team=exercise.team)
    url = f"/api/exercises/{exercise.pk}/reports"
    first, again = (member.post(url, {"language": "en"}) for _ in range(2))
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"] and Report.objects.count() == 1
    assert member.post(url, {"language": "fr"}).status_code == 202
    refused = member.post(url, {"language": "en", "kind": "csv"})
    assert refused.status_code == 429
    error = error_of(refused)
    assert error["code"] == "throttled"
    assert error["message"].startswith("You already have 2 reports waiting or being built")
    french = member.post(url, {"language": "en", "kind": "csv"}, headers={"Accept-Language": "fr"})
    assert error_of(french)["message"].startswith("Vous avez déjà 2 rapports en attente ou en préparation")
    # The quota never refuses the report already under way.
    assert member.post(url, {"language": "en"}).json()["id"] == first.json()["id"]
    assert Report.objects.count() == 2
