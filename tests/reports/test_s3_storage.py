"""Reports kept in an S3-compatible bucket: a real S3 server (moto) on loopback, configured by the same
environment variables as production, a real worker building into it and the web view streaming it back."""

import csv
import io
import json
import runpy
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from policies.models import Report
from policies.models.reports import ReportKind, ReportStatus
from policies.services.reports import build_report
from tests.conftest import needs, start_celery_worker, stop_celery_worker
from tests.faults.conftest import free_port
from tests.services.test_reports import scored_exercise, wait_until_finished

MOTO_SERVER = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which(
    "moto_server"
)
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "workbench" / "settings.py"

pytestmark = needs(MOTO_SERVER is not None, "moto_server is not installed (pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in its own process on a loopback port, for this module's tests."""
    port = free_port()
    assert MOTO_SERVER is not None
    process = subprocess.Popen(
        [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"moto_server did not start on port {port}")
            time.sleep(0.1)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "REPORT_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "workbench-test",
        "AWS_SECRET_ACCESS_KEY": "workbench-test-secret",
        "AWS_S3_REGION_NAME": "eu-west-3",
    }


def settings_from(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> dict[str, Any]:
    """workbench/settings.py evaluated afresh under these environment variables (what a new process reads)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def use_s3(settings, monkeypatch: pytest.MonkeyPatch, endpoint: str, bucket: str) -> None:
    """Point this process's report store at the bucket, through the production settings code."""
    reports = settings_from(monkeypatch, s3_environment(endpoint, bucket))["STORAGES"]["reports"]
    settings.STORAGES = {**settings.STORAGES, "reports": reports}  # Django resets its storages on change


def s3_client(endpoint: str) -> Any:
    environment = s3_environment(endpoint, "")
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=environment["AWS_S3_REGION_NAME"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"reports-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    return name


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_environment_chooses_the_report_store(monkeypatch) -> None:
    local = settings_from(monkeypatch, {"REPORT_STORAGE": ""})["STORAGES"]
    assert local["reports"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = settings_from(monkeypatch, s3_environment("http://127.0.0.1:9000", "workbench-reports"))["STORAGES"]
    assert s3["reports"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert {k: s3["reports"]["OPTIONS"][k] for k in ("bucket_name", "endpoint_url", "region_name")} == {
        "bucket_name": "workbench-reports",
        "endpoint_url": "http://127.0.0.1:9000",
        "region_name": "eu-west-3",
    }
    assert s3["staticfiles"] == local["staticfiles"], "static files stay where they were"
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        settings_from(monkeypatch, {})
    with pytest.raises(ImproperlyConfigured, match="'ftp'"):
        settings_from(monkeypatch, {"REPORT_STORAGE": "ftp"})


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_into_the_bucket_and_the_web_view_streams_it_back(
    client, login, settings, monkeypatch, s3_endpoint, bucket
) -> None:
    exercise = scored_exercise()
    login("analyst", team=exercise.team)
    before = media_files(settings)
    use_s3(settings, monkeypatch, s3_endpoint, bucket)  # also leaves the variables set for the worker
    # A queue of its own: a worker the session started earlier (without the S3 settings) must not take the job.
    from policies.tasks import build_report_task

    monkeypatch.setattr(
        build_report_task,
        "delay",
        lambda report_id: build_report_task.apply_async((report_id,), queue="s3-test"),
    )
    worker = start_celery_worker("--queues=s3-test")
    try:
        response = client.post(reverse("reports", args=[exercise.pk]), {"kind": "csv", "language": "en"})
        assert response.status_code == 302
        report = wait_until_finished(Report.objects.get(exercise=exercise, kind=ReportKind.CSV), seconds=90)
    finally:
        stop_celery_worker(worker)
    assert report.status == ReportStatus.DONE, report.error
    stored = s3_client(s3_endpoint).get_object(Bucket=bucket, Key=report.file.name)["Body"].read()

    download = client.get(reverse("report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    body = b"".join(download.streaming_content)
    assert body == stored
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 * 2, "a header and one row per judgment"
    assert media_files(settings) == before, "nothing written to the local media folder"


@pytest.mark.django_db
def test_a_json_report_round_trips_through_the_bucket_behind_the_permission_check(
    client, login, settings, monkeypatch, s3_endpoint, bucket
) -> None:
    exercise = scored_exercise()
    use_s3(settings, monkeypatch, s3_endpoint, bucket)
    report = Report.objects.create(exercise=exercise, kind=ReportKind.JSON)
    build_report(report.pk)  # what the worker does
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    url = reverse("report-download", args=[report.pk])

    login("analyst")  # a member of another team
    assert client.get(url).status_code == 404

    login("observer", team=exercise.team)  # may read the team's reports, not request them
    download = client.get(url)
    assert download.status_code == 200
    document = json.loads(b"".join(download.streaming_content))
    assert [e["id"] for e in document["exercises"]] == [exercise.key]

    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=report.file.name)  # e.g. a bucket expiry rule
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["missing bucket", "unreachable endpoint"])
def test_a_store_that_cannot_take_the_file_fails_the_job_readably(
    settings, monkeypatch, s3_endpoint, fault: str
) -> None:
    if fault == "missing bucket":
        endpoint, bucket, expected = s3_endpoint, "no-such-reports-bucket", "NoSuchBucket"
    else:
        endpoint, bucket, expected = f"http://127.0.0.1:{free_port()}", "reports", "Could not connect"
    use_s3(settings, monkeypatch, endpoint, bucket)
    report = Report.objects.create(exercise=scored_exercise(), kind=ReportKind.CSV)
    start = time.monotonic()
    build_report(report.pk)
    report.refresh_from_db()
    assert time.monotonic() - start < 30, "an unreachable store fails within seconds"
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("The report could not be saved in the report store")
    assert bucket in report.error and endpoint in report.error and expected in report.error
    assert "Traceback" not in report.error and not report.file
