"""A person has a few reports in flight at most, and asking again for a report under way returns it."""

from unittest import mock

import pytest
from django.utils import translation

from policies.models import Exercise, Membership, Report, Role
from policies.models.reports import ReportStatus
from policies.selectors.access import Viewer, viewer_for_member
from policies.services.reports import ReportQuotaExceeded, request_report
from tests.factories import UserFactory, make_exercise


def ask(exercise: Exercise, user: object, language: str, kind: str = "pdf") -> Report:
    """`user`, a facilitator of the exercise's team, asks for a report."""
    membership, _created = Membership.objects.get_or_create(
        team=exercise.team, user=user, defaults={"role": Role.FACILITATOR}
    )
    viewer: Viewer = viewer_for_member(exercise, membership)
    return request_report(viewer=viewer, language=language, kind=kind)


pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise():
    return make_exercise()


def test_asking_again_for_a_report_under_way_returns_it(exercise, django_capture_on_commit_callbacks) -> None:
    user = UserFactory()
    with (
        mock.patch("policies.tasks.build_report_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = ask(exercise, user, "fr")
        again = ask(exercise, user, "fr-ca")
    assert again.pk == first.pk and Report.objects.count() == 1
    delay.assert_called_once_with(first.pk)
    # Running still counts as under way; another kind, language or person is another report.
    Report.objects.filter(pk=first.pk).update(status=ReportStatus.RUNNING)
    assert ask(exercise, user, "fr").pk == first.pk
    others = {
        ask(exercise, user, "en").pk,
        ask(exercise, user, "fr", "xlsx").pk,
        ask(exercise, UserFactory(), "fr").pk,
    }
    assert len(others) == 3 and first.pk not in others


def test_a_finished_report_is_not_returned_again(exercise) -> None:
    user = UserFactory()
    first = ask(exercise, user, "en")
    for status in (ReportStatus.DONE, ReportStatus.FAILED, ReportStatus.CANCELLED):
        Report.objects.filter(pk=first.pk).update(status=status)
        assert ask(exercise, user, "en").pk != first.pk
        Report.objects.exclude(pk=first.pk).delete()


def test_beyond_the_quota_a_request_is_refused_and_says_why(exercise, settings) -> None:
    settings.REPORTS_IN_FLIGHT_PER_USER = 3
    user = UserFactory()
    for kind in ("pdf", "xlsx", "csv"):
        ask(exercise, user, "en", kind)
    with pytest.raises(ReportQuotaExceeded) as refusal:
        ask(exercise, user, "en", "json")
    assert "You already have 3 reports waiting or being built" in str(refusal.value)
    with translation.override("fr"), pytest.raises(ReportQuotaExceeded) as refusal:
        ask(exercise, user, "en", "json")
    assert "Vous avez déjà 3 rapports en attente ou en préparation" in str(refusal.value)
    assert Report.objects.count() == 3
    # The same report as one under way is still answered, and another exercise counts too.
    assert ask(exercise, user, "en", "csv").kind == "csv"
    with pytest.raises(ReportQuotaExceeded):
        ask(make_exercise(), user, "en")
    # Once one is done, there is room for another.
    Report.objects.filter(kind="pdf").update(status=ReportStatus.DONE)
    assert ask(exercise, user, "en", "json").kind == "json"
    # Another person has a quota of their own.
    assert ask(exercise, UserFactory(), "en").pk
