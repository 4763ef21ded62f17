"""Request and response bodies of the API.

The case file itself (export, import) is `policies.casefile.schema.CaseFile`, so the API and the file format
cannot drift apart; keys follow the case file's `Key` pattern. Bilingual texts always carry both languages,
`{"en": ..., "fr": ...}`, an untranslated one being "".
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from policies.casefile.schema import Key
from policies.models.reports import ReportKind, ReportStatus

MethodName = Literal["weighted_sum", "topsis", "promethee_ii"]
# Taken from the model's choices so that a new kind or status is documented as soon as it exists.
ReportKindName = Literal[tuple(ReportKind.values)]  # type: ignore[valid-type]
ReportStatusName = Literal[tuple(ReportStatus.values)]  # type: ignore[valid-type]
# Ids are bounded so that no database is asked for a number it cannot hold.
MAX_ID = 2**53
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Text(Schema):
    en: str = ""
    fr: str = ""


def _bilingual(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {"en": str(value.get("en") or ""), "fr": str(value.get("fr") or "")}


Bilingual = Annotated[Text, BeforeValidator(_bilingual)]


class Input(Schema):
    """Request bodies refuse fields they do not know (422) rather than ignoring a typo."""

    model_config = ConfigDict(extra="forbid")


# -- cases ---------------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    key: str
    team: str = Field(description="Slug of the team that owns the case.")
    title: Bilingual
    question: Bilingual
    period: str
    region: str
    updated: datetime


class CaseCounts(Schema):
    sources: int
    evidence: int
    actors: int
    drivers: int
    scenarios: int
    options: int
    criteria: int
    exercises: int


class CaseDetailOut(CaseOut):
    summary: Bilingual
    role: str = Field(description="The caller's role in the case's team.")
    counts: CaseCounts


class CaseImportedOut(Schema):
    id: int
    key: str
    team: str
    title: Bilingual


class OptionOut(Schema):
    id: int
    key: str
    position: int
    name: Bilingual
    description: Bilingual
    instruments: Bilingual
    risks: Bilingual
    actors: list[str] = Field(description="Keys of the actors involved.")
    evidence: list[str] = Field(description="Keys of the supporting evidence.")


class ScaleOut(Schema):
    min: float
    max: float
    unit: str
    low: Bilingual
    high: Bilingual


class CriterionOut(Schema):
    id: int
    key: str
    position: int
    parent: str | None = Field(description="Key of the group this criterion belongs to.")
    is_group: bool
    name: Bilingual
    definition: Bilingual
    direction: Literal["benefit", "cost"] | None = Field(description="Leaves only.")
    scale: ScaleOut | None = Field(description="Leaves only: what scores range over.")


class ScenarioOut(Schema):
    id: int
    key: str
    position: int
    name: Bilingual
    narrative: Bilingual
    plausibility: int
    states: dict[str, str] = Field(description="Driver key to the key of its state in this scenario.")


# -- exercises ------------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    key: str
    name: Bilingual


class ExerciseOut(Schema):
    id: int
    key: str
    case: int
    team: str
    title: Bilingual
    method: MethodName
    current_round: int
    created: datetime


class ExerciseDetailOut(ExerciseOut):
    description: Bilingual
    role: str = Field(description="The caller's role in the exercise's team.")
    can_judge: bool
    participants: int
    options: list[Ref]
    criteria: list[Ref]
    scenarios: list[Ref]


# -- judgments ------------------------------------------------------------------------------------------

Number = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class WeightOut(Schema):
    criterion: str
    scenario: str | None = Field(description="The scenario's key; null for the baseline.")
    value: float


class ScoreOut(Schema):
    option: str
    criterion: str
    scenario: str | None = Field(description="The scenario's key; null for the baseline.")
    value: float


class JudgmentsOut(Schema):
    exercise: int
    round: int
    participant: str | None = Field(description="The caller's participant key; null before any judgment.")
    weights: list[WeightOut]
    scores: list[ScoreOut]


class WeightIn(Input):
    criterion: Key
    scenario: Key | None = Field(
        default=None,
        description="Key of a scenario in play, when the exercise lets weights differ by scenario; absent or "
        "null for the baseline.",
    )
    value: Number = Field(description="Points from 0 to 100.")


class ScoreIn(Input):
    option: Key
    criterion: Key
    scenario: Key | None = Field(
        default=None, description="Key of a scenario in play; absent or null for the baseline."
    )
    value: Number = Field(description="On the criterion's scale.")


class JudgmentsIn(Input):
    weights: list[WeightIn] = Field(default=[], max_length=1000)
    scores: list[ScoreIn] = Field(default=[], max_length=10000)


# -- results --------------------------------------------------------------------------------------------


class CriterionWeightOut(Schema):
    id: int
    key: str
    name: Bilingual
    weight: float = Field(description="Group weight; the weights sum to 1.")


class RankedOptionOut(Schema):
    rank: int
    score: float | None = Field(description="The method's score; null if it could not be computed.")
    option: Ref
    contributions: list[float | None] = Field(
        description="Weighted-sum part of each criterion, in the order of `criteria`."
    )


class ResultsOut(Schema):
    exercise: int
    method: MethodName
    round: int
    participants_scoring: int
    unscored_cells: int = Field(description="Cells nobody scored, counted at the middle of their scale.")
    criteria: list[CriterionWeightOut]
    ranking: list[RankedOptionOut]


# -- reports --------------------------------------------------------------------------------------------


class ReportRequestIn(Input):
    kind: ReportKindName = Field(default=ReportKind.PDF.value, description="What to build.")
    language: Literal["en", "fr"] | None = Field(
        default=None, description="Language of the report; by default the request's (Accept-Language)."
    )


class ReportOut(Schema):
    id: int
    exercise: int
    kind: ReportKindName
    language: str
    status: ReportStatusName
    progress: int
    stage: str
    error: str
    created: datetime
    started: datetime | None
    finished: datetime | None
    status_url: str
    download_url: str | None = Field(description="Set once the report is done.")


# -- identity -------------------------------------------------------------------------------------------


class TeamOut(Schema):
    slug: str
    name: str
    role: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created: datetime
    last_used: datetime | None
    expires: datetime | None
    revoked: bool


class MeOut(Schema):
    username: str
    teams: list[TeamOut]
    token: TokenOut | None = Field(description="The token of this request; null for a browser session.")
