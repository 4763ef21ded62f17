"""What the report tests share: the PDF read back as text, the seeded reports' facts, a small scored exercise,
and the mark of tests that need Chromium to draw the figures."""

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

from policies.models import Exercise
from policies.models.exercises import Anonymity
from tests.conftest import needs
from tests.factories import (
    ParticipantFactory,
    ScoreJudgmentFactory,
    WeightJudgmentFactory,
    make_exercise,
)

CHROMIUM = Path(settings.CHROMIUM_PATH).exists()
needs_chromium = needs(CHROMIUM, "Chromium is not installed: the report's figures cannot be drawn")


def no_progress(percent: int, stage: str) -> None:
    """The job's progress callback; a report built outside a job reports to nobody."""


@dataclass(frozen=True)
class Built:
    pdf: bytes
    pages: list[str]  # each page's text, whitespace collapsed

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    @property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))


def read(pdf: bytes) -> Built:
    reader = PdfReader(io.BytesIO(pdf))
    return Built(pdf, [" ".join(page.extract_text().split()) for page in reader.pages])


@dataclass(frozen=True)
class Seeded:
    """The seeded Mali report in both languages, with the case's facts the checks look for in it."""

    en: Built
    fr: Built
    options_en: list[str]
    options_fr: list[str]
    top_en: str
    top_fr: str
    sources: list[dict[str, str]]
    quotes: list[str]
    aliases: list[str]
    case_title_fr: str


def scored(anonymity: str = Anonymity.NAMED) -> Exercise:
    """Three options, two criteria and two participants named "Real Name k", who have weighted and scored all."""
    exercise = make_exercise(options=3, criteria=2)
    exercise.anonymity = anonymity
    exercise.save()
    for k in range(2):
        participant = ParticipantFactory(exercise=exercise, alias=f"Real Name {k}", number=k + 1)
        for j, criterion in enumerate(exercise.criteria.all()):
            WeightJudgmentFactory(participant=participant, criterion=criterion, value=30 + 20 * j + 10 * k)
        for i, option in enumerate(exercise.options.all()):
            for criterion in exercise.criteria.all():
                ScoreJudgmentFactory(
                    participant=participant, option=option, criterion=criterion, value=2 + 3 * i + k
                )
    return exercise
