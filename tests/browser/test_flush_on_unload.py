"""A score typed a moment before the page is reloaded is not lost: pending saves are sent as the page goes."""

import time

import pytest
from django.urls import reverse

from policies.models import Exercise, Membership, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from tests.browser.test_accessibility_workshop import log_in, open_page
from tests.factories import UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(condition, seconds: float = 10) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_cell_typed_just_before_a_reload_is_saved(browser, live_server) -> None:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.SCORING)
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    me = UserFactory(username="quick-reloader")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    play = reverse("workshop-play", args=[exercise.pk])
    page.goto(play)
    cell = page.get_by_test_id(f"score-{options[0].key}-{criteria[1].key}")
    cell.fill("7")  # the save waits 600 ms for a pause in typing
    page.reload()
    assert wait_for(lambda: ScoreJudgment.objects.filter(participant__user=me, value=7).exists())
    assert page.get_by_test_id(f"score-{options[0].key}-{criteria[1].key}").input_value() in {"7", ""}
    page.goto(play)
    assert page.get_by_test_id(f"score-{options[0].key}-{criteria[1].key}").input_value() == "7"

    # The same for the weights, left by navigating away.
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.WEIGHTING, version=exercise.version + 5)
    page.goto(play)
    page.get_by_test_id(f"points-{criteria[0].key}").fill("80")
    page.goto(reverse("home"))
    assert wait_for(
        lambda: WeightJudgment.objects.filter(participant__user=me, criterion=criteria[0], value=80).exists()
    )
    context.close()
    assert not errors, errors
