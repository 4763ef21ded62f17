import re
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from policies.models import Report
from policies.models.reports import STAGE_LABELS, ReportStatus
from policies.services.reports import build_report
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(login):
    exercise = make_exercise(options=3, criteria=2)
    login("analyst", team=exercise.team)
    participant = ParticipantFactory(exercise=exercise)
    for option in exercise.options.all():
        for criterion in exercise.criteria.all():
            ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion)
    return exercise


def test_request_each_kind_and_download_it(client, exercise, django_capture_on_commit_callbacks) -> None:
    url = reverse("reports", args=[exercise.pk])
    for kind, content_type in [("xlsx", "spreadsheetml"), ("csv", "text/csv"), ("json", "application/json")]:
        with (
            mock.patch("policies.tasks.build_report_task.delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post(url, {"kind": kind, "language": "fr"}, headers={"HX-Request": "true"})
        assert response.status_code == 202
        report = Report.objects.get(kind=kind)
        delay.assert_called_once_with(report.pk)
        assert report.language == "fr"
        build_report(report.pk)  # what the worker does
        status = client.get(reverse("report-status", args=[report.pk]))
        assert status.status_code == 286
        download = client.get(reverse("report-download", args=[report.pk]))
        assert content_type in download["Content-Type"]
        assert download["Content-Disposition"].endswith(f'-fr.{kind}"')
    page = client.get(url).content.decode()
    assert page.count('data-testid="download-report"') == 3


def test_unknown_kind_is_refused(client, exercise) -> None:
    response = client.post(reverse("reports", args=[exercise.pk]), {"kind": "docx"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_cancel_then_retry(client, exercise, django_capture_on_commit_callbacks) -> None:
    report = Report.objects.create(exercise=exercise, status=ReportStatus.PENDING)
    response = client.post(reverse("report-cancel", args=[report.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 286
    report.refresh_from_db()
    assert report.status == ReportStatus.CANCELLED
    with (
        mock.patch("policies.tasks.build_report_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("report-retry", args=[report.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 202
    delay.assert_called_once_with(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


def test_a_failed_report_offers_retry(client, exercise) -> None:
    report = Report.objects.create(
        exercise=exercise, status=ReportStatus.FAILED, error="Chromium was not found"
    )
    html = client.get(reverse("report-status", args=[report.pk])).content.decode()
    assert "Chromium was not found" in html and 'data-testid="retry-report"' in html
    assert client.get(reverse("report-download", args=[report.pk])).status_code == 404


def test_a_running_report_names_its_stage_in_the_readers_language(client, exercise, settings) -> None:
    report = Report.objects.create(
        exercise=exercise, status=ReportStatus.RUNNING, progress=40, stage="charts"
    )
    status = reverse("report-status", args=[report.pk])
    assert "(drawing the figures)" in client.get(status).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(status).content.decode()
    assert "(dessin des figures)" in html and "charts" not in html.replace('id="report-progress', "")


def test_every_stage_a_job_reports_has_a_label() -> None:
    """The stages are reported as plain strings by the services and the report builders; each must be named
    on screen (an unnamed one would show nothing, not its code)."""
    root = Path(__file__).resolve().parents[2] / "policies"
    reported = set()
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        reported |= set(re.findall(r'progress\(\d+, "([^"]+)"\)', text))
        reported |= set(re.findall(r'_beat\(report_id, \d+, "([^"]+)"\)', text))
        reported |= set(re.findall(r'stage="([^"]+)"', text))
    assert {"analysis", "charts", "layout", "saving", "queued"} <= reported  # the patterns still find them
    assert reported - set(STAGE_LABELS) == set()


def test_queue_down_is_explained(client, exercise, django_capture_on_commit_callbacks) -> None:
    with (
        mock.patch("policies.tasks.build_report_task.delay", side_effect=ConnectionError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("reports", args=[exercise.pk]), {"kind": "csv"})
    report = Report.objects.get()
    html = client.get(reverse("report-status", args=[report.pk])).content.decode()
    assert "request is saved and will start" in html
    assert report.status == ReportStatus.PENDING


@pytest.mark.parametrize("role", ["observer"])
def test_observers_read_history_but_do_not_request(client, login, role: str) -> None:
    exercise = make_exercise()
    login(role, team=exercise.team)
    report = Report.objects.create(exercise=exercise, status=ReportStatus.PENDING)
    assert client.get(reverse("reports", args=[exercise.pk])).status_code == 200
    assert client.post(reverse("reports", args=[exercise.pk]), {"kind": "csv"}).status_code == 403
    assert client.post(reverse("report-cancel", args=[report.pk])).status_code == 403
    assert client.post(reverse("report-retry", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING


def test_a_double_click_builds_once_and_the_quota_is_explained(client, exercise, settings) -> None:
    settings.REPORTS_IN_FLIGHT_PER_USER = 2
    url = reverse("reports", args=[exercise.pk])
    htmx = {"HX-Request": "true"}
    with mock.patch("policies.tasks.build_report_task.delay"):
        clicks = [client.post(url, {"kind": "pdf", "language": "en"}, headers=htmx) for _ in range(2)]
        assert [c.status_code for c in clicks] == [202, 202]
        assert Report.objects.count() == 1
        ids = {c.content.decode().split('data-report="')[1].split('"')[0] for c in clicks}
        assert ids == {str(Report.objects.get().pk)}
        assert client.post(url, {"kind": "xlsx", "language": "en"}, headers=htmx).status_code == 202
        refused = client.post(url, {"kind": "csv", "language": "en"}, headers=htmx)
        assert refused.status_code == 429
        assert "You already have 2 reports waiting or being built" in refused.content.decode()
        french = client.post(
            url, {"kind": "csv", "language": "en"}, headers={**htmx, "Accept-Language": "fr"}
        )
        assert "Vous avez déjà 2 rapports en attente ou en préparation" in french.content.decode()
        # Without htmx the page says it after the redirect.
        page = client.post(url, {"kind": "csv", "language": "en"}, follow=True)
        assert "You already have 2 reports waiting or being built" in page.content.decode()
    assert Report.objects.count() == 2


def test_build_redraws_the_history_so_it_never_says_no_reports_yet(client, exercise) -> None:
    url = reverse("reports", args=[exercise.pk])
    assert "No reports yet." in client.get(url).content.decode()
    with mock.patch("policies.tasks.build_report_task.delay"):
        headers = {"HX-Request": "true", "HX-Target": "new-report"}  # the reports page's Build form
        response = client.post(url, {"kind": "csv", "language": "en"}, headers=headers)
        # The results page's buttons have no history beside them: nothing out of band for them.
        elsewhere = client.post(
            url,
            {"kind": "json", "language": "en"},
            headers={"HX-Request": "true", "HX-Target": "report-area"},
        )
    assert response.status_code == 202 and elsewhere.status_code == 202
    assert "hx-swap-oob" not in elsewhere.content.decode()
    body = response.content.decode()
    assert 'id="report-history" hx-swap-oob="true"' in body
    history = body.split('<div id="report-history"')[1]
    first = Report.objects.order_by("pk").first()
    assert "No reports yet." not in history and f'data-report="{first.pk}"' in history
