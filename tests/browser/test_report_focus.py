"""A keyboard user on the reports page keeps focus while the polled status of a running report redraws."""

import pytest
from django.urls import reverse

from policies.models import Report, Role
from policies.models.reports import ReportKind, ReportStatus
from tests.browser.test_accessibility_workshop import log_in, open_page
from tests.factories import MembershipFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focus_stays_on_cancel_while_the_status_polls_and_moves_to_the_region_when_it_goes(
    browser, live_server
) -> None:
    exercise = make_exercise(options=2, criteria=2)
    boss = MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user
    report = Report.objects.create(
        exercise=exercise, kind=ReportKind.PDF, requested_by=boss, status=ReportStatus.RUNNING, progress=30
    )
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, boss.username)
    page.goto(reverse("reports", args=[exercise.pk]))
    cancel = page.get_by_test_id("cancel-report")
    cancel.wait_for()
    for _ in range(40):  # reach the button with the keyboard, as its user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-testid')") == "cancel-report":
            break
    assert page.evaluate("document.activeElement.getAttribute('data-testid')") == "cancel-report"
    with page.expect_response(lambda response: response.url.endswith(f"/reports/{report.pk}/")):
        pass
    page.wait_for_timeout(2500)  # at least two polls redraw the status while the job runs
    assert page.evaluate("document.activeElement.getAttribute('data-testid')") == "cancel-report"

    # The job ends: the button is gone, and focus lands on the redrawn status rather than on the page.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="Chromium crashed")
    page.get_by_test_id("retry-report").wait_for()
    page.wait_for_timeout(300)
    focused = page.evaluate(
        "[document.activeElement.tagName, document.activeElement.className, "
        "document.activeElement.getAttribute('data-testid')]"
    )
    assert focused[0] != "BODY", focused
    assert "report-status" in focused[1] or focused[2] == "retry-report", focused
    context.close()
    assert not errors, errors
