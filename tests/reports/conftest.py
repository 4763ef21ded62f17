"""The seeded Mali report, built once for the whole run in both languages: the English and French checks of
tests/reports read the same two PDFs (each build is tens of seconds on a small machine)."""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import translation

from policies.casefile.validation import parse_case_file
from policies.models.fields import localize
from policies.reporting.pdf import render_pdf
from policies.selectors.analysis_results import analysis_results
from policies.services.case_import import import_case
from tests.conftest import ROOT
from tests.factories import TeamFactory
from tests.reports.building import Seeded, no_progress, read
from tests.viewers import facilitator_view


@pytest.fixture(scope="session")
def seeded(django_db_setup, django_db_blocker) -> Iterator[Seeded]:
    with django_db_blocker.unblock(), transaction.atomic():
        case = import_case(
            case_file=parse_case_file((ROOT / "seeds" / "mali-2012.json").read_bytes()), team=TeamFactory()
        )
        exercise = case.exercises.get()
        options = list(exercise.options.order_by("position"))
        seen = facilitator_view(exercise)
        bundle = analysis_results(exercise, visibility=seen)
        assert len(bundle.top) == 1
        top_option = bundle.options[bundle.top[0]]
        with translation.override("en"):
            en = read(render_pdf(exercise, seen, no_progress))
        with translation.override("fr"):
            fr = read(render_pdf(exercise, seen, no_progress))
        data = Seeded(
            en=en,
            fr=fr,
            options_en=[localize(o.name, "en") for o in options],
            options_fr=[localize(o.name, "fr") for o in options],
            top_en=localize(top_option.name, "en"),
            top_fr=localize(top_option.name, "fr"),
            sources=[
                {
                    "title": localize(s.title, "en"),
                    "authors": s.authors,
                    "publisher": s.publisher,
                    "date": s.date,
                }
                for s in case.sources.all()
            ],
            quotes=[e.quote for e in case.evidence.exclude(quote="")],
            aliases=[p.alias for p in exercise.participants.all()],
            case_title_fr=localize(case.title, "fr"),
        )
        transaction.set_rollback(True)
    yield data
