"""Celery tasks: thin wrappers that load ids and call services."""

from celery import shared_task

from policies.services.reports import build_report


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_report_task(report_id: int) -> None:
    build_report(report_id)
