"""The full report of an exercise that had a cross-impacts phase prints the group's matrix (its mean, the cells in
dispute, how many scenarios it holds consistent) under the reader's view: a participant's report leaves it out
while the phase is blind."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from policies.models import DriverState, Exercise, ImpactJudgment, Participant
from policies.models.exercises import Anonymity, Phase
from policies.reporting.brief import BRIEF_CHARTS
from policies.reporting.pdf import GROUP_MATRIX, SECTION_CHARTS, plan_report, render_pdf, report_html
from policies.selectors.analysis_results import analysis_results
from policies.selectors.visibility import visibility_for
from tests.reports.building import needs_chromium, no_progress, scored
from tests.reports.test_cross_impact_report import with_matrix
from tests.viewers import facilitator_view

pytestmark = pytest.mark.django_db

HEADING = "The group’s cross-impact ratings"


def rated(*, phase: str = Phase.IMPACTS, current_round: int = 1) -> Exercise:
    """A blind exercise whose two members disagree on how the junta pushes aid (+3 and -3) and agree the other
    way round, in round 1; in a second round, if any, they agree on everything."""
    exercise = with_matrix(scored(Anonymity.NAMED))
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=phase, consensus_threshold=1.0, current_round=current_round
    )
    exercise.refresh_from_db()
    state = {s.key: s for s in DriverState.objects.filter(driver__case=exercise.case)}
    people = Participant.objects.filter(exercise=exercise).order_by("number")
    for round_ in range(1, current_round + 1):
        for participant, value in zip(people, (3, -3) if round_ == 1 else (1, 1), strict=True):
            ImpactJudgment.objects.create(
                participant=participant,
                source=state["junta"],
                target=state["suspended"],
                value=value,
                round=round_,
            )
            ImpactJudgment.objects.create(
                participant=participant,
                source=state["suspended"],
                target=state["junta"],
                value=2,
                round=round_,
            )
    return exercise


def group_section(html: str) -> str:
    return html.split('id="scenarios-group-impacts"')[1].split("</section>")[0]


def report(exercise: Exercise, *, facilitator: bool) -> tuple[list[str], str]:
    plan = plan_report(
        analysis_results(exercise, visibility=visibility_for(exercise, facilitator=facilitator))
    )
    return [figure.id for figure in plan.sections["group_cross_impacts"].figures], report_html(plan)


def test_the_facilitator_s_report_prints_the_group_matrix_its_disputes_and_its_scenarios() -> None:
    exercise = rated()
    figures, html = report(exercise, facilitator=True)
    assert figures == [GROUP_MATRIX]
    section = group_section(html)
    assert "2 members rated" in section and "(round 1)" in section
    assert "Junta → Aid: Suspended" in section and "mean 0.0, interquartile range 3.0" in section
    assert "Suspended → Regime: Junta" not in section  # agreed, not disputed
    assert "consistent in the group’s matrix" in section
    # The case's own matrix keeps its figure: the group's is a figure of its own.
    assert html.count('src="chart:cib-matrix"') == 1 and html.count(f'src="chart:{GROUP_MATRIX}"') == 1


def test_a_participant_s_report_shows_the_last_revealed_round_while_a_delphi_round_is_rated_blind() -> None:
    exercise = rated(current_round=2)
    _figures, html = report(exercise, facilitator=True)
    assert "(round 2)" in group_section(html) and "No cell is in dispute." in group_section(html)

    figures, html = report(exercise, facilitator=False)
    section = group_section(html)
    assert figures == [GROUP_MATRIX]
    assert "(round 1)" in section and "(round 2)" not in section and "interquartile range 3.0" in section

    exercise.phase = Phase.REVEAL
    exercise.save(update_fields=["phase"])
    assert "(round 2)" in group_section(report(exercise, facilitator=False)[1])


def test_an_exercise_without_a_cross_impacts_phase_prints_no_group_section() -> None:
    exercise = with_matrix(scored(Anonymity.NAMED))
    figures, html = report(exercise, facilitator=True)
    assert figures == [] and HEADING not in html


def test_the_brief_does_not_print_the_group_matrix() -> None:
    assert GROUP_MATRIX in SECTION_CHARTS["group_cross_impacts"]
    assert all(GROUP_MATRIX not in ids for ids in BRIEF_CHARTS.values())


@needs_chromium
def test_the_pdf_draws_the_group_matrix() -> None:
    exercise = rated()
    reader = PdfReader(io.BytesIO(render_pdf(exercise, facilitator_view(exercise), no_progress)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert HEADING in text
    assert "The group's cross-impact matrix (mean), round 1" in text  # the figure's own title, drawn
    assert "interquartile range 3.0" in text


def test_the_group_section_reads_in_french() -> None:
    exercise = rated()
    with translation.override("fr"):
        section = group_section(report(exercise, facilitator=True)[1])
    assert "Les impacts croisés évalués par le groupe" in section
    assert "2 membres ont évalué" in section and "(tour 1)" in section
    assert "scénario est cohérent" in section or "scénarios sont cohérents" in section
