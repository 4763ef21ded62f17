"""Property-based test of the whole API against its own OpenAPI document (schemathesis).

The app serves /api/openapi.json; schemathesis reads it through the WSGI application (no server) and, for every
operation, sends generated requests, valid ones and deliberately invalid ones, authenticated with the token of an
owner of the team that holds the seeded Mali 2012 case: small ids hit its real cases, options, exercises and
reports, and case files are imported into that team. Every response must be free of server errors, carry a
documented status code and content type, and match its documented schema (the one error body included).

Examples per operation are bounded (API_FUZZ_EXAMPLES, default 25) so the module runs in well under a minute;
the seed is imported once for the module, and each operation's requests are rolled back after it.
A count of responses by operation and status is printed in the terminal summary (tests/api/conftest.py).
"""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from policies.casefile.validation import parse_case_file
from policies.models import Evidence, Report, Role, Team
from policies.models.reports import ReportStatus
from policies.services.api_tokens import create_token
from policies.services.case_import import import_case
from tests.api.conftest import ALL_SCOPES, FUZZ_STATUSES, SEED
from tests.factories import MembershipFactory, TeamFactory

TEAM_SLUG = "fuzz-team"  # the caller's team: case imports are fuzzed into it, not merely refused with 404
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_token(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The seeded case in its team, an owner's token, and reports in each state; removed after the module."""
    with django_db_blocker.unblock():
        team = TeamFactory(slug=TEAM_SLUG)
        case = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team)
        membership = MembershipFactory(role=Role.OWNER, team=team)
        _token, secret = create_token(user=membership.user, name="schemathesis", scopes=ALL_SCOPES)
        exercise = case.exercises.get()
        Report.objects.create(exercise=exercise, status=ReportStatus.PENDING)
        Report.objects.create(exercise=exercise, status=ReportStatus.FAILED, error="Chromium was not found.")
    yield secret
    with django_db_blocker.unblock():
        Evidence.objects.filter(case__team=team).delete()  # protects its sources from the cascade
        Team.objects.filter(pk=team.pk).delete()
        membership.user.delete()


@pytest.fixture
def wsgi_keeps_connection() -> Iterator[None]:
    """As Django's test client does: the real WSGI handler would otherwise close the database connection after
    each request (request_finished -> close_old_connections) and lose the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loaded when the module is collected: serving the OpenAPI document touches no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
)
schema.config.update(parameters={"path.slug": TEAM_SLUG})


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, api_token, wsgi_keeps_connection) -> None:
    response = case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, checks=CHECKS)
    FUZZ_STATUSES[f"{case.method} {case.path} {response.status_code}"] += 1
