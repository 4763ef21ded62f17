"""A participant logs in, scores, watches the ranking change and downloads the PDF report."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from policies.models import Membership, Participant, Role
from tests.factories import PASSWORD, UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def first_ranked(page) -> str:
    return page.locator("#live-ranking table[data-testid=ranking] tbody tr").first.get_attribute(
        "data-option"
    )


def test_participant_scores_sees_ranking_change_and_gets_pdf(page, celery_worker_process) -> None:
    exercise = make_exercise(options=3, criteria=2)
    user = UserFactory(username="amina")
    Membership.objects.create(team=exercise.team, user=user, role=Role.PARTICIPANT)
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))

    page.goto("/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=exercise.title["en"]).first.click()
    # The live ranking loads through htmx: once it is there, htmx has wired up every input.
    page.locator("#live-ranking table[data-testid=ranking]").wait_for()

    def score(option, criterion, value: str) -> None:
        cell = page.get_by_test_id(f"score-{option.key}-{criterion.key}")
        cell.fill(value)
        cell.press("Tab")
        page.locator(f"[id='ss-{option.pk}-{criterion.pk}'] [data-state=saved]").wait_for()

    for option, value in zip(options, ["2", "9", "5"], strict=True):
        for criterion in criteria:
            score(option, criterion, value)
    page.wait_for_function(
        "key => document.querySelector('#live-ranking tbody tr')?.dataset.option === key", arg=options[1].key
    )
    assert first_ranked(page) == options[1].key

    # An out-of-scale value is refused inline and changes nothing.
    bad = page.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}")
    bad.fill("42")
    bad.press("Tab")
    assert (
        "scored from 0 to 10"
        in page.locator(f"[id='ss-{options[0].pk}-{criteria[0].pk}'] .error").inner_text()
    )

    for criterion in criteria:
        score(options[2], criterion, "10")
    page.wait_for_function(
        "key => document.querySelector('#live-ranking tbody tr')?.dataset.option === key", arg=options[2].key
    )
    participant = Participant.objects.get(user=user)
    assert participant.scores.count() == 6

    page.get_by_role("link", name="See the group results").click()
    assert (
        page.locator("table[data-testid=ranking] tbody tr").first.get_attribute("data-option")
        == options[2].key
    )
    page.locator(".plotly-chart .main-svg").first.wait_for()
    page.get_by_test_id("generate-report").click()
    link = page.get_by_test_id("download-report")
    link.wait_for(timeout=120_000)
    with page.expect_download() as download_info:
        link.click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = " ".join(" ".join(page_.extract_text() for page_ in pdf.pages).split())
    assert f"ranked first by the group is {options[2].name['en']}" in text
