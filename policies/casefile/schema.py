"""Typed schema of the case file, version 1.

The schema checks shapes and types; `validation.check_references` checks what crosses lists (every key
resolves, scores within their criterion's scale). Both report errors as JSON paths, e.g. `$.options[2].name`.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FORMAT_NAME = "policy-workbench-case"
FORMAT_VERSION = 1

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
LocalizedText = dict[Literal["en", "fr"], Annotated[str, StringConstraints(max_length=20_000)]]
ShortText = Annotated[str, StringConstraints(max_length=400)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CaseHeader(Strict):
    id: Key
    title: LocalizedText
    question: LocalizedText = {}
    summary: LocalizedText = {}
    period: ShortText = ""
    region: ShortText = ""


class Source(Strict):
    id: Key
    title: ShortText
    authors: ShortText = ""
    publisher: ShortText = ""
    date: Annotated[str, StringConstraints(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = ""
    kind: Literal["research_paper", "panel_summary", "abstract", "blog", "article", "report", "other"] = (
        "other"
    )
    file: ShortText = ""
    url: Annotated[str, StringConstraints(max_length=500)] = ""


class EvidenceItem(Strict):
    id: Key
    source: Key
    locator: Annotated[str, StringConstraints(max_length=300)] = ""
    text: LocalizedText
    quote: Annotated[str, StringConstraints(max_length=300)] = ""


class ActorItem(Strict):
    id: Key
    name: LocalizedText
    kind: Literal[
        "state",
        "armed_group",
        "regional_body",
        "donor",
        "political",
        "criminal_network",
        "community",
        "other",
    ] = "other"
    stance: LocalizedText = {}
    evidence: list[Key] = []


class DriverStateItem(Strict):
    id: Key
    name: LocalizedText
    description: LocalizedText = {}


class DriverItem(Strict):
    id: Key
    name: LocalizedText
    description: LocalizedText = {}
    evidence: list[Key] = []
    states: Annotated[list[DriverStateItem], Field(min_length=2, max_length=6)]


class ConsistencyItem(Strict):
    a: tuple[Key, Key]
    b: tuple[Key, Key]
    value: Annotated[int, Field(ge=-2, le=2)]
    note: LocalizedText = {}


class ScenarioItem(Strict):
    id: Key
    name: LocalizedText
    narrative: LocalizedText = {}
    plausibility: Annotated[int, Field(ge=1, le=5)] = 3
    states: dict[Key, Key] = {}
    evidence: list[Key] = []


class OptionItem(Strict):
    id: Key
    name: LocalizedText
    description: LocalizedText = {}
    instruments: LocalizedText = {}
    risks: LocalizedText = {}
    actors: list[Key] = []
    evidence: list[Key] = []


class Scale(Strict):
    min: float = 0
    max: float = 10
    unit: Annotated[str, StringConstraints(max_length=40)] = "points"
    low: LocalizedText = {}
    high: LocalizedText = {}


class CriterionItem(Strict):
    id: Key
    name: LocalizedText
    definition: LocalizedText = {}
    parent: Key | None = None
    direction: Literal["benefit", "cost"] | None = None
    scale: Scale | None = None
    evidence: list[Key] = []


class ParticipantItem(Strict):
    id: Key
    alias: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    profile: LocalizedText = {}


class WeightItem(Strict):
    participant: Key
    criterion: Key
    scenario: Key | None = None  # None: the baseline weight; else the weight for that scenario
    value: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    round: Annotated[int, Field(ge=1)] = 1
    rationale: LocalizedText = {}


class ScoreItem(Strict):
    participant: Key
    option: Key
    criterion: Key
    scenario: Key | None = None
    value: Annotated[float, Field(allow_inf_nan=False)]
    round: Annotated[int, Field(ge=1)] = 1
    rationale: LocalizedText = {}
    confidence: Annotated[int, Field(ge=1, le=5)] | None = None


class PairwiseItem(Strict):
    """How many times more important criterion_a is than criterion_b, on Saaty's scale 1/9 ... 1 ... 9.

    Each pair is given once, either way round: the reverse comparison is the reciprocal (3 one way, 1/3 back).
    """

    participant: Key
    criterion_a: Key
    criterion_b: Key
    scenario: Key | None = None  # None: the baseline comparison; else the comparison for that scenario
    # The bounds of the pairwise_range constraint; validation holds the value to the scale's steps.
    value: Annotated[float, Field(ge=1 / 9, le=9, allow_inf_nan=False)]
    round: Annotated[int, Field(ge=1)] = 1


# The values of policies.models.exercises.WeightingMethod; the schema stays free of Django models.
WeightingMethodKey = Literal["direct", "swing", "ahp", "rank"]


class ExerciseItem(Strict):
    id: Key
    title: LocalizedText
    description: LocalizedText = {}
    options: list[Key]
    criteria: list[Key]
    scenarios: list[Key] = []
    weights_by_scenario: bool = False
    weighting_method: WeightingMethodKey = "direct"
    participants: list[ParticipantItem] = []
    weights: list[WeightItem] = []
    scores: list[ScoreItem] = []
    pairwise: list[PairwiseItem] = []


class CaseFile(Strict):
    format: Literal["policy-workbench-case"]
    version: Literal[1]
    case: CaseHeader
    sources: list[Source] = []
    evidence: list[EvidenceItem] = []
    actors: list[ActorItem] = []
    drivers: list[DriverItem] = []
    consistency: list[ConsistencyItem] = []
    scenarios: list[ScenarioItem] = []
    options: Annotated[list[OptionItem], Field(min_length=1)]
    criteria: Annotated[list[CriterionItem], Field(min_length=1)]
    exercises: list[ExerciseItem] = []


def case_file_json_schema() -> dict[str, object]:
    """The JSON Schema published in docs/, so other tools can validate case files without this code."""
    schema = CaseFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Policy workbench case file, version {FORMAT_VERSION}"
    return schema
