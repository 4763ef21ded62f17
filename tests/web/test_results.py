import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import Report
from policies.services.case_import import import_case
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, WeightJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


def ranked_keys(html: str) -> list[str]:
    return re.findall(r'<tr data-option="([^"]+)"', html)


@pytest.fixture
def scored(client, login):
    exercise = make_exercise(options=3, criteria=2)
    login("analyst", team=exercise.team)
    options, criteria = list(exercise.options.all()), list(exercise.criteria.all())
    participant = ParticipantFactory(exercise=exercise)
    values = {options[0]: (2, 3), options[1]: (9, 8), options[2]: (5, 5)}
    for option, row in values.items():
        for criterion, value in zip(criteria, row, strict=True):
            ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion, value=value)
    for criterion in criteria:
        WeightJudgmentFactory(participant=participant, criterion=criterion, value=50)
    return exercise, options


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_ranking_follows_the_scores(client, scored, method: str) -> None:
    exercise, options = scored
    response = client.get(reverse("results", args=[exercise.pk]), {"method": method})
    assert response.status_code == 200
    assert ranked_keys(response.content.decode()) == [options[1].key, options[2].key, options[0].key]


def test_htmx_gets_only_the_ranking_partial(client, scored) -> None:
    exercise, _ = scored
    response = client.get(reverse("results", args=[exercise.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="ranking"' in html
    assert 'id="figure-contributions"' in html


def test_unscored_cells_are_flagged(client, login) -> None:
    exercise = make_exercise(options=2, criteria=2)
    login("participant", team=exercise.team)
    html = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "4 cells have no score yet" in html


def test_requesting_a_report_creates_a_pending_job(
    client, scored, django_capture_on_commit_callbacks
) -> None:
    exercise, _ = scored
    from unittest import mock

    with (
        mock.patch("policies.tasks.build_report_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("report-request", args=[exercise.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 202
    report = Report.objects.get()
    delay.assert_called_once_with(report.pk)
    assert report.status == "pending"
    assert reverse("report-status", args=[report.pk]) in response.content.decode()


def test_an_unreachable_queue_keeps_the_request_and_says_so(
    client, scored, django_capture_on_commit_callbacks
) -> None:
    exercise, _ = scored
    from unittest import mock

    with (
        mock.patch("policies.tasks.build_report_task.delay", side_effect=ConnectionError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("report-request", args=[exercise.pk]))
    report = Report.objects.get()
    assert (report.status, report.stage) == ("pending", "queue-unavailable")  # saved; the sweep re-queues it
    status = client.get(reverse("report-status", args=[report.pk]))
    assert status.status_code == 200  # still polling
    assert "request is saved and will start" in status.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_answer_to_a_request_already_says_the_queue_is_unreachable(client, scored) -> None:
    """Outside a test's wrapping transaction the enqueue runs as the request commits, before the answer."""
    exercise, _ = scored
    from unittest import mock

    with mock.patch("policies.tasks.build_report_task.delay", side_effect=ConnectionError("refused")):
        answer = client.post(reverse("report-request", args=[exercise.pk]), headers={"HX-Request": "true"})
    assert answer.status_code == 202
    assert "request is saved and will start" in answer.content.decode()


def test_facilitator_makes_a_method_official(client, login) -> None:
    exercise = make_exercise()
    login("facilitator", team=exercise.team)
    page = client.get(reverse("results", args=[exercise.pk]), {"method": "topsis"}).content.decode()
    assert 'data-testid="make-official"' in page
    response = client.post(reverse("method-set", args=[exercise.pk]), {"method": "topsis"})
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.method == "topsis"
    page = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "TOPSIS is the exercise’s official method" in page


def test_an_unknown_method_changes_nothing(client, login) -> None:
    exercise = make_exercise()
    login("owner", team=exercise.team)
    response = client.post(reverse("method-set", args=[exercise.pk]), {"method": "astrology"}, follow=True)
    assert "Unknown method" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.method == "weighted_sum"


@pytest.mark.parametrize("role", ["analyst", "participant", "observer"])
def test_only_facilitators_choose_the_method(client, login, role: str) -> None:
    exercise = make_exercise()
    login(role, team=exercise.team)
    assert client.post(reverse("method-set", args=[exercise.pk]), {"method": "topsis"}).status_code == 403
    assert (
        'data-testid="make-official"'
        not in client.get(reverse("results", args=[exercise.pk]), {"method": "topsis"}).content.decode()
    )
    exercise.refresh_from_db()
    assert exercise.method == "weighted_sum"


# ---------------------------------------------------------------------------------------- the analysis suite

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"
CHARTS = [
    "contributions",
    "method-ranks",
    "profiles",
    "score-heatmap",
    "weights",
    "elicitation",
    "spread",
    "consensus",
    "sensitivity",
    "tornado",
    "acceptability",
    "central-weights",
    "scenario-heatmap",
    "regret",
    "rules",
]
ANALYSIS = {"HX-Request": "true", "HX-Target": "analysis"}


@pytest.fixture
def seeded(client, login):
    """The Mali 2012 sample exercise and an analyst of its team, logged in."""
    membership = login("analyst")
    case = import_case(case_file=parse_case_file(SEED.read_bytes()), team=membership.team)
    return case.exercises.get()


def figure(html: str, chart: str) -> dict:
    match = re.search(rf'<script type="application/json" id="figure-{chart}">(.*?)</script>', html, re.S)
    assert match, f"no figure {chart}"
    return json.loads(match.group(1))


def test_the_page_shows_every_chart_with_its_summary_data_and_downloads(client, seeded) -> None:
    response = client.get(reverse("results", args=[seeded.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for chart in CHARTS:
        block = html[html.index(f'id="chart-{chart}"') :]
        block = block[: block.index("</figure>")]
        # Described in words (the drawing holds Plotly's controls, so it is no image), and a line of what to
        # look at.
        summary = re.search(
            rf'<p id="chart-{chart}-summary" class="visually-hidden">([^<]{{40,}})</p>', block
        )
        assert summary and f'aria-describedby="chart-{chart}-summary"' in block, chart
        assert 'role="img"' not in block
        assert re.search(r'class="chart-look"[^>]*><strong>What to look at:</strong> [^<]{20,}</p>', block), (
            chart
        )
        assert f'data-figure="figure-{chart}"' in block
        assert 'data-download="png"' in block and 'data-download="svg"' in block
        assert "<details" in block and '<th scope="col">' in block and '<th scope="row">' in block
        figure(html, chart)
    assert "At a glance" in html and "Negotiated settlement ranks first" in html
    # the controls work without JavaScript: a plain GET form
    assert '<form id="results-controls"' in html and 'method="get"' in html
    for name in ("method", "scenario", "round", "criterion", "alpha", "participant"):
        assert f'name="{name}"' in html
    assert 'value="sc-jihadist-consolidation"' in html
    assert html.count('name="participant"') == 3
    assert "vendor/plotly.min.js" in html and "policies/charts.js" in html


def test_the_data_tables_hold_the_plotted_numbers(client, seeded) -> None:
    html = client.get(reverse("results", args=[seeded.pk])).content.decode()
    acceptability = figure(html, "acceptability")
    first_row = acceptability["data"][0]  # rank 1 shares, best option first
    table = html[html.index('data-testid="data-acceptability"') :]
    row = re.search(r'<tr><th scope="row">([^<]+)</th><td>([\d.]+)%</td>', table)
    assert row.group(1).replace("&#x27;", "'") == first_row["y"][0]
    assert float(row.group(2)) == pytest.approx(100 * first_row["x"][0], abs=0.06)


def test_htmx_switches_return_only_the_analysis(client, seeded) -> None:
    url = reverse("results", args=[seeded.pk])
    baseline = client.get(url, headers=ANALYSIS)
    html = baseline.content.decode()
    assert "<html" not in html and 'id="results-controls"' not in html
    assert 'data-testid="ranking"' in html and 'hx-swap-oob="true"' in html
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in baseline["Vary"].split(",")}
    topsis = client.get(url, {"method": "topsis"}, headers=ANALYSIS).content.decode()
    assert "(TOPSIS)" in topsis
    assert figure(topsis, "acceptability")["data"] != figure(html, "acceptability")["data"]
    scenario = client.get(url, {"scenario": "sc-jihadist-consolidation"}, headers=ANALYSIS).content.decode()
    assert figure(scenario, "score-heatmap")["data"][0]["z"] != figure(html, "score-heatmap")["data"][0]["z"]
    assert (
        figure(scenario, "scenario-heatmap")["layout"]["shapes"][0]["x0"] == 0.5
    )  # second scenario outlined
    assert "Jihadist consolidation" in scenario


def test_the_live_ranking_stays_light(client, seeded) -> None:
    html = client.get(
        reverse("results", args=[seeded.pk]), headers={"HX-Request": "true", "HX-Target": "live-ranking"}
    ).content.decode()
    assert 'data-testid="ranking"' in html and 'id="figure-contributions"' in html
    assert "figure-acceptability" not in html and "At a glance" not in html


def test_a_participant_group_ranks_with_its_own_judgments(client, seeded) -> None:
    url = reverse("results", args=[seeded.pk])
    alone = client.get(url, {"participant": "analyst-b"}, headers=ANALYSIS).content.decode()
    assert "1 of 3 participants" in alone
    assert "Ranking from 1 participant's scores" in alone
    people = [trace["name"] for trace in figure(alone, "weights")["data"][1:]]
    assert people == ["Development specialist / Spécialiste du développement"]
    everyone = client.get(url, headers=ANALYSIS).content.decode()
    assert "3 of 3 participants" in everyone


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"method": "astrology"}, "Unknown method"),
        ({"scenario": "atlantis"}, "is not in play"),
        ({"round": "9"}, "There is no round 9"),
        ({"round": "two"}, "whole number"),
        ({"participant": "ghost"}, "Unknown participants ignored: ghost"),
        ({"criterion": "luck"}, "Unknown criterion"),
        ({"alpha": "nan"}, "between 0 and 1"),
        ({"alpha": "7"}, "between 0 and 1"),
    ],
)
def test_bad_choices_fall_back_with_a_clear_notice(client, seeded, params, message: str) -> None:
    for headers in ({}, ANALYSIS):
        response = client.get(reverse("results", args=[seeded.pk]), params, headers=headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html and 'data-testid="notice"' in html
        assert ranked_keys(html)[0] == "opt-negotiation"


def test_results_need_a_member_of_the_team(client, login) -> None:
    exercise = make_exercise()
    url = reverse("results", args=[exercise.pk])
    response = client.get(url, headers=ANALYSIS)
    assert response.status_code == 302 and "login" in response["Location"]
    login("owner")  # of another team
    assert client.get(url, headers=ANALYSIS).status_code == 404
    assert client.post(url).status_code == 405


def test_an_empty_exercise_says_what_is_missing(client, login) -> None:
    exercise = make_exercise(options=0, criteria=0)
    login("observer", team=exercise.team)
    html = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "no options or criteria in play yet" in html
    assert "figure-acceptability" not in html


def test_names_typed_by_users_cannot_inject_script(client, login) -> None:
    exercise = make_exercise(options=2, criteria=2)
    login("analyst", team=exercise.team)
    option = exercise.options.first()
    option.name = {"en": "</script><script>alert(1)</script>"}
    option.save()
    html = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "<script>alert(1)" not in html
    # In the figures' JSON: Plotly's plain text for the name (&lt;...), itself escaped for the <script> element.
    assert "\\u0026lt;/script\\u0026gt;\\u0026lt;script\\u0026gt;alert(1)" in html


def test_pseudonymous_exercises_hide_names_from_all_but_facilitators(client, login) -> None:
    exercise = make_exercise(options=2, criteria=2)
    exercise.anonymity = "pseudonymous"
    exercise.save()
    person = ParticipantFactory(exercise=exercise, alias="Real Name", number=7)
    for criterion in exercise.criteria.all():
        WeightJudgmentFactory(participant=person, criterion=criterion, value=50)
    login("analyst", team=exercise.team)
    html = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "Participant 7" in html and "Real Name" not in html
    login("facilitator", team=exercise.team)
    assert "Real Name" in client.get(reverse("results", args=[exercise.pk])).content.decode()


def test_the_page_leads_with_the_answer_then_why_how_sure_scenarios_and_the_group(client, seeded) -> None:
    html = client.get(reverse("results", args=[seeded.pk])).content.decode()
    order = ["answer-section", "why-section", "sure-section", "scenarios-section", "group-section"]
    places = [html.index(f'<section class="card results-section" id="{key}"') for key in order]
    assert places == sorted(places)
    contents = html[html.index('data-testid="results-contents"') : places[0]]
    assert [f'href="#{key}"' in contents for key in order] == [True] * len(order)
    ends = [*places[1:], len(html)]
    sections = {key: html[a:b] for key, a, b in zip(order, places, ends, strict=True)}
    # The answer: the headline and the ranking; why: the contributions; how sure: SMAA then the weight sweep;
    # the group: the disagreement.
    assert (
        "At a glance" in sections["answer-section"] and 'data-testid="ranking"' in sections["answer-section"]
    )
    assert 'id="chart-contributions"' in sections["why-section"]
    assert 'id="chart-contributions"' not in sections["answer-section"]
    sure = sections["sure-section"]
    assert sure.index('id="chart-acceptability"') < sure.index('id="chart-sensitivity"')
    assert 'id="chart-consensus"' in sections["group-section"]


@pytest.mark.parametrize("typed", ["0,3", "0.3", " 0,3 "])
def test_the_optimism_index_takes_either_decimal_mark(client, seeded, typed: str) -> None:
    """The French page shows "0,5" in the field and sends back what is typed there."""
    html = client.get(
        reverse("results", args=[seeded.pk]), {"alpha": typed}, headers=ANALYSIS
    ).content.decode()
    assert 'data-testid="notice"' not in html
    assert figure(html, "rules")  # the rules' figure was built with this index
    assert "Hurwicz (α = 0.3)" in html


def test_the_french_page_shows_the_optimism_index_with_a_comma(client, seeded) -> None:
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("results", args=[seeded.pk]), {"alpha": "0,5"}).content.decode()
    field = re.search(r'<input id="alpha-input"[^>]*>', html)
    assert field and 'value="0,5"' in field.group(0) and 'type="text"' in field.group(0)
    assert 'inputmode="decimal"' in field.group(0)


def test_the_what_if_carries_the_parts_that_give_the_ranking(client, seeded) -> None:
    """The browser re-ranks from these numbers: with the group's weights they give the page's own scores."""
    html = client.get(reverse("results", args=[seeded.pk])).content.decode()
    match = re.search(r'<script id="whatif-data" type="application/json">(.*?)</script>', html, re.S)
    assert match
    data = json.loads(match.group(1))
    scores = [sum(p * w for p, w in zip(row, data["weights"], strict=True)) for row in data["parts"]]
    best = max(range(len(scores)), key=scores.__getitem__)
    assert data["options"][best]["key"] == ranked_keys(html)[0] == "opt-negotiation"
    assert [o["rank"] for o in data["options"]].count(1) == 1
    assert html.count('data-whatif-weight="') == len(data["criteria"]) == len(data["weights"])
    assert 'src="/static/policies/whatif.js"' in html or "policies/whatif.js" in html


def test_topsis_says_why_it_has_no_what_if(client, seeded) -> None:
    html = client.get(reverse("results", args=[seeded.pk]), {"method": "topsis"}).content.decode()
    assert "whatif-data" not in html
    assert "cannot be redone in the browser" in html
