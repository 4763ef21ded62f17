"""Request and response bodies of the API.

The case file itself (export, import) is `policies.casefile.schema.CaseFile`, so the API and the file format
cannot drift apart; keys follow the case file's `Key` pattern. Bilingual texts always carry both languages,
`{"en": ..., "fr": ...}`, an untranslated one being "".
"""

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, PlainValidator, StringConstraints, WithJsonSchema

from policies.casefile.schema import Key
from policies.models.reports import ReportKind, ReportStatus

MethodName = Literal["weighted_sum", "topsis", "promethee_ii"]
# Taken from the model's choices so that a new kind or status is documented as soon as it exists; a type
# checker cannot read a Literal built at run time, and sees the strings they are.
if TYPE_CHECKING:
    ReportKindName = str
    ReportStatusName = str
else:
    ReportKindName = Literal[tuple(ReportKind.values)]
    ReportStatusName = Literal[tuple(ReportStatus.values)]
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
    replaced: list[str] = Field(
        default_factory=list,
        description="Whose judgments the import replaced, as asked with replace_judgments.",
    )
    unchanged: bool = Field(
        default=False, description="An update whose file matched the case: nothing was written."
    )


class ItemChangesOut(Schema):
    kind: str = Field(description="The case file's list: sources, evidence, actors, ..., exercises.")
    label: str
    added: list[str] = Field(description="Items the file adds, as “name (id)”.")
    changed: list[str]
    removed: list[str]


class CaseUpdatePreviewOut(Schema):
    """What importing a file over the team's case with the same id would change; nothing is written yet."""

    id: int
    key: str
    team: str
    title: Bilingual
    unchanged: bool = Field(description="The file matches the case: confirming it changes nothing.")
    header_changed: bool = Field(description="The title, question, summary or consistency matrix changes.")
    items: list[ItemChangesOut] = Field(description="Only the lists that change.")
    exercises: ItemChangesOut | None = Field(description="Exercises added or changed (a file removes none).")
    judgments_lost: list[str] = Field(description="One sentence per exercise and reason.")
    judgments_lost_count: int
    fingerprint: str = Field(
        description="Send it back to confirm: the update is refused (409) if the case changed since."
    )
    confirm: str = Field(
        description="Where to POST the same file, with ?fingerprint=..., to apply the update."
    )


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


class VisibilityOut(Schema):
    group_results: bool = Field(description="Whether the current round's group results are yours to see.")
    last_round: int = Field(description="The last round whose group results you may see (0: none yet).")
    identities: bool = Field(description="Whether you may see who the participants are.")
    withheld: str = Field(description="What is withheld from you, and why; empty when nothing is.")


class ExerciseDetailOut(ExerciseOut):
    description: Bilingual
    role: str = Field(description="The caller's role in the exercise's team.")
    can_judge: bool
    participants: int
    visibility: VisibilityOut
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


class GroupParticipantOut(Schema):
    key: str = Field(
        description="The participant's identifier: their own key where you may see identities, else "
        "`participant-<number>`, which says nothing about the account."
    )
    label: str = Field(description='Their alias where you may see identities, else "Participant <number>".')


class GroupWeightOut(Schema):
    participant: str = Field(description="The participant's `key`.")
    criterion: str
    scenario: str | None = Field(description="The scenario's key; null for the baseline.")
    round: int
    value: float
    rationale: Bilingual


class GroupScoreOut(Schema):
    participant: str = Field(description="The participant's `key`.")
    option: str
    criterion: str
    scenario: str | None = Field(description="The scenario's key; null for the baseline.")
    round: int
    value: float
    rationale: Bilingual
    confidence: int | None = Field(description="1 (a guess) to 5 (certain); null when not given.")


class GroupComparisonOut(Schema):
    participant: str = Field(description="The participant's `key`.")
    criterion_a: str
    criterion_b: str
    scenario: str | None = Field(description="The scenario's key; null for the baseline.")
    round: int
    value: float = Field(description="How many times more important criterion_a is than criterion_b.")


class GroupJudgmentsOut(Schema):
    exercise: int
    round: int = Field(description="The last round whose judgments you may see; earlier rounds are included.")
    identities: bool = Field(description="Whether participants are shown by name and own key.")
    withheld: str = Field(description="What is withheld from you, and why; empty when nothing is.")
    participants: list[GroupParticipantOut]
    weights: list[GroupWeightOut]
    scores: list[GroupScoreOut]
    comparisons: list[GroupComparisonOut] = Field(description="Pairwise comparisons (AHP exercises).")


# An item named in a judgment: its key, or the numeric `id` the case's endpoints give it. One validator rather
# than a union, so that a refusal points at the field itself, with one message that says what is accepted.
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _item_ref(value: Any) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**63 - 1:
        return value
    if isinstance(value, str) and len(value) <= 80 and _KEY.match(value):
        return value
    raise ValueError("Give the item's key (lowercase letters, digits and hyphens) or its numeric id.")


ItemRef = Annotated[
    str | int,
    PlainValidator(_item_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _KEY.pattern, "maxLength": 80},
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
            ],
            "description": "The item's key, or its numeric id as the case's endpoints give it.",
        }
    ),
]


class WeightIn(Input):
    criterion: ItemRef
    scenario: Key | None = Field(
        default=None,
        description="Key of a scenario in play, when the exercise lets weights differ by scenario; absent or "
        "null for the baseline.",
    )
    value: Number = Field(description="Points from 0 to 100 (direct points or swing exercises).")
    rationale: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="Why this weight; kept as it was when absent."
    )


class RankIn(Input):
    criterion: ItemRef
    scenario: Key | None = Field(default=None, description="As for weights.")
    rank: Annotated[int, Field(ge=1, le=1000, strict=True)] = Field(description="1 for the most important.")


class ComparisonIn(Input):
    criterion_a: ItemRef
    criterion_b: ItemRef
    scenario: Key | None = Field(default=None, description="As for weights.")
    value: Number = Field(
        description="How many times more important criterion_a is than criterion_b, on Saaty's scale (1/9 to 9)."
    )


class ScoreIn(Input):
    option: ItemRef
    criterion: ItemRef
    scenario: Key | None = Field(
        default=None, description="Key of a scenario in play; absent or null for the baseline."
    )
    value: Number = Field(description="On the criterion's scale (or the exercise's, when it fixes one).")
    rationale: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="Why; kept as it was when absent."
    )
    confidence: Annotated[int, Field(ge=1, le=5, strict=True)] | None = Field(
        default=None, description="1 (a guess) to 5 (certain); kept as it was when absent."
    )


class JudgmentsIn(Input):
    weights: list[WeightIn] = Field(default=[], max_length=1000)
    ranks: list[RankIn] = Field(
        default=[], max_length=1000, description="Rank-order exercises: every criterion's rank at once."
    )
    comparisons: list[ComparisonIn] = Field(default=[], max_length=10000, description="AHP exercises.")
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


class ConsensusCellOut(Schema):
    option: str = Field(description="Key of the option.")
    criterion: str = Field(description="Key of the criterion.")
    n: int = Field(description="Participants who scored the cell.")
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None = Field(description="Interquartile range (quartiles by linear interpolation).")
    agreed: bool = Field(description="Scored, with an IQR within the exercise's consensus threshold.")


class ConsensusOut(Schema):
    threshold: float
    judged: int = Field(description="Cells somebody scored.")
    agreed: int = Field(description="Judged cells in consensus.")
    kendall_w: float | None = Field(description="Agreement of the participants' own rankings (Kendall's W).")
    raters: int
    cells: list[ConsensusCellOut]


class ScenarioRobustnessOut(Schema):
    key: str
    assessed: bool = Field(description="Whether anyone judged the options under this scenario.")
    probability: float | None = Field(description="From its plausibility; null when not analysed.")
    scores: list[float | None] = Field(
        description="Each option's score in this scenario, in `ranking` order."
    )


class RobustnessOut(Schema):
    assessed: bool | None = Field(
        description="Whether the scenarios in play were assessed at all: null when none is in play, false when "
        "nobody judged the options under any of them (then no rule is applied, and `reason` says so)."
    )
    reason: str = Field(description="Why there is no robustness analysis, when there is none.")
    scenarios: list[ScenarioRobustnessOut]
    choices: dict[str, list[str]] = Field(
        description="Per robustness rule (expected_value, maximin, hurwicz, max_regret), the option keys it chooses."
    )


class StabilityIntervalOut(Schema):
    criterion: str = Field(description="Key of the criterion.")
    weight: float = Field(description="Its group weight now.")
    low: float = Field(
        description="The lowest weight (others rescaled in proportion) keeping the top option first."
    )
    high: float = Field(description="The highest weight keeping the top option first.")


class RankReversalOut(Schema):
    criterion: str = Field(description="Key of the criterion whose weight is varied.")
    weight: float = Field(description="Its weight at which the two options tie.")
    options: list[str] = Field(description="Keys of the two options that swap.")
    leader_below: str = Field(description="The option ahead just below that weight.")
    leader_above: str = Field(description="The option ahead just above that weight.")
    position: int = Field(description="The rank the two share at the crossing (1: they swap first place).")


class SensitivitySweepOut(Schema):
    criterion: str = Field(
        description="Key of the swept criterion (`criterion` in the query, else the most sensitive)."
    )
    weights: list[float] = Field(description="Its weights along the sweep, from 0 to 1.")
    scores: list[list[float | None]] = Field(
        description="At each weight of the sweep, each option's score, in `ranking` order."
    )


class SensitivityOut(Schema):
    top: list[str] = Field(description="Keys of the option(s) ranked first at the current weights.")
    most_sensitive: str = Field(
        description="The criterion whose weight is closest to changing the top option."
    )
    intervals: list[StabilityIntervalOut]
    reversals: list[RankReversalOut] = Field(description="Every weight at which two options swap places.")
    sweep: SensitivitySweepOut


class AcceptabilityOut(Schema):
    option: str = Field(description="Key of the option.")
    ranks: list[float] = Field(description="Share of the draws giving it rank 1, 2, ... (each sums to 1).")
    central_weights: list[float] | None = Field(
        description="Average weights, in the order of `criteria`, of the draws where it comes first; null if "
        "it never does."
    )
    confidence: float = Field(description="Share of the draws in which it is first at its central weights.")


class SmaaOut(Schema):
    samples: int = Field(
        description="Random weight vectors drawn (fixed seed: the same judgments, the same answer)."
    )
    options: list[AcceptabilityOut] = Field(description="In `ranking` order.")


class ResultsOut(Schema):
    exercise: int
    method: MethodName
    round: int
    scenario: str | None = Field(description="The scenario the ranking is in; null for the baseline.")
    participants_scoring: int
    unscored_cells: int = Field(description="Cells nobody scored, counted at the middle of their scale.")
    criteria: list[CriterionWeightOut]
    ranking: list[RankedOptionOut]
    consensus: ConsensusOut
    robustness: RobustnessOut
    participants: list[str] = Field(description="Keys of the participants the results are computed for.")
    sensitivity: SensitivityOut | None = Field(
        description="Weight stability; null when not computable (see `unavailable`)."
    )
    smaa: SmaaOut | None = Field(
        description="SMAA-2 acceptabilities; null when not computable (see `unavailable`)."
    )
    unavailable: dict[str, str] = Field(
        default_factory=dict, description="Analyses that could not be made (sensitivity, smaa...), with why."
    )
    notices: list[str] = Field(
        default_factory=list, description="What was shown instead of what was asked, and what is withheld."
    )


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
