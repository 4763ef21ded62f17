"""Celery tasks: thin wrappers that load ids and call services."""

from celery import shared_task
from celery.signals import worker_ready
from django.db import DatabaseError

from policies.services.deletions import purge_expired_deletions
from policies.services.personal_data import erase_expired_guests
from policies.services.reports import build_report, sweep_reports


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=4,
)
def build_report_task(report_id: int) -> None:
    build_report(report_id)


@shared_task(ignore_result=True)
def sweep_reports_task() -> None:
    sweep_reports()


@shared_task(ignore_result=True)
def erase_expired_guests_task() -> None:
    erase_expired_guests()


@shared_task(ignore_result=True)
def purge_expired_deletions_task() -> None:
    purge_expired_deletions()


@worker_ready.connect
def sweep_on_start(**kwargs: object) -> None:
    """A worker that starts after a crash picks up what the dead one left, without waiting for beat."""
    sweep_reports_task.delay()
