"""Faults injected into real services while the workshop runs.

Here: the Redis broker stopped while participants score (test_broker_down), PostgreSQL dropping the app's
connections (test_database_connections_dropped). Elsewhere, not repeated here:
- a worker killed mid-report: tests/services/test_reports.py
  (test_a_worker_killed_mid_report_leaves_a_job_the_next_worker_finishes);
- disk full on the report store: tests/services/test_report_jobs.py (the ENOSPC test: the job fails with
  "could not be stored" and a retry button).
"""
