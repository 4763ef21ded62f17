"""Typed schema of the case file, version 3 (older versions are upgraded on import: `versions.upgrade`).

The schema checks shapes and types; `validation.check_references` checks what crosses lists (every key
resolves, scores within their criterion's scale). Both report errors as JSON paths, e.g. `$.options[2].name`.
"""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from policies.web_addresses import NOT_A_WEB_ADDRESS, is_web_address

FORMAT_NAME = "policy-workbench-case"
FORMAT_VERSION = 3
#: Older versions this workbench still reads, upgraded by `policies.casefile.versions.upgrade`.
OLDER_VERSIONS = frozenset({1, 2})
#: The largest cross-impact accepted. ScenarioWizard's usual scale is -3..+3; published matrices use up to ±6.
IMPACT_LIMIT = 9

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
LocalizedText = dict[Literal["en", "fr"], Annotated[str, StringConstraints(max_length=20_000)]]
ShortText = Annotated[str, StringConstraints(max_length=400)]
#: A short text by language (a source's title): each language's text is as short as a ShortText.
ShortLocalizedText = dict[Literal["en", "fr"], ShortText]


def _web_address(value: str) -> str:
    if value and not is_web_address(value):
        raise PydanticCustomError("web_address", str(NOT_A_WEB_ADDRESS))
    return value


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
    title: ShortLocalizedText  # version 3; a plain string before, upgraded to {"en": ...}
    authors: ShortText = ""
    publisher: ShortText = ""
    date: Annotated[str, StringConstraints(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")] = ""
    kind: Literal["research_paper", "panel_summary", "abstract", "blog", "article", "report", "other"] = (
        "other"
    )
    file: ShortText = ""
    url: Annotated[str, StringConstraints(max_length=500), AfterValidator(_web_address)] = ""


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


class CrossImpactItem(Strict):
    """How state `source` pushes state `target` (each [driver id, state id]; two different drivers), version 2.

    A whole number from -IMPACT_LIMIT (strongly hinders) to +IMPACT_LIMIT (strongly promotes); `illustrative`
    marks a judgment the case's sources do not support, `evidence` the items that do.
    """

    source: tuple[Key, Key]
    target: tuple[Key, Key]
    value: Annotated[int, Field(ge=-IMPACT_LIMIT, le=IMPACT_LIMIT)]
    reason: LocalizedText = {}
    illustrative: bool = False
    evidence: list[Key] = []


class ScenarioItem(Strict):
    id: Key
    name: LocalizedText
    narrative: LocalizedText = {}
    plausibility: Annotated[int, Field(ge=1, le=5)] = 3
    # Version 2: where the scenario came from (the values of policies.models.cases.ScenarioOrigin).
    origin: Literal["authored", "consistency", "cib"] = "authored"
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


Threshold = Annotated[float, Field(ge=0, le=1e6, allow_inf_nan=False)]


class Preference(Strict):
    """A criterion's PROMETHEE preference function and its thresholds, in the criterion's own units."""

    function: Literal["usual", "u-shape", "v-shape", "level", "linear", "gaussian"] = "usual"
    q: Threshold | None = None  # indifference threshold
    p: Threshold | None = None  # preference threshold
    s: Threshold | None = None  # Gaussian spread


class CriterionItem(Strict):
    id: Key
    name: LocalizedText
    definition: LocalizedText = {}
    parent: Key | None = None
    direction: Literal["benefit", "cost"] | None = None
    scale: Scale | None = None
    preference: Preference | None = None  # PROMETHEE II; left out: "usual"
    evidence: list[Key] = []


class ParticipantItem(Strict):
    id: Key
    alias: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    profile: LocalizedText = {}
    # False: a facilitator who only commented, kept as the author of their comments and not counted in the
    # results (Participant.judging).
    judging: bool = True


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


class ImpactRatingItem(Strict):
    """A participant's rating of one cross-impact cell in a round of the exercise's cross-impacts phase: how
    state `source` pushes state `target` (each [driver id, state id]; two different drivers), on the scale of
    the case's matrix. The group's matrix is the members' mean, so the file keeps each member's own ratings."""

    participant: Key
    source: tuple[Key, Key]
    target: tuple[Key, Key]
    value: Annotated[int, Field(ge=-IMPACT_LIMIT, le=IMPACT_LIMIT)]
    round: Annotated[int, Field(ge=1)] = 1


class ImpactCellItem(Strict):
    """A cross-impact cell the facilitator put to the group in the cross-impacts phase: how state `source`
    pushes state `target` (each [driver id, state id]; two different drivers)."""

    source: tuple[Key, Key]
    target: tuple[Key, Key]


class CommentItem(Strict):
    """A comment of the exercise's threads, on an option or a criterion; a reply names the number of the
    comment it answers. Written on export; ignored on import."""

    number: Annotated[int, Field(ge=1)]
    reply_to: Annotated[int, Field(ge=1)] | None = None
    participant: Key
    option: Key | None = None
    criterion: Key | None = None
    body: Annotated[str, StringConstraints(max_length=2000)]
    created: str


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
    # The cells the facilitator chose for the cross-impacts phase; empty: every cell of the case's matrix.
    impact_cells: list[ImpactCellItem] = []
    # The ratings of the cross-impacts phase, exported under the same visibility as scores.
    impacts: list[ImpactRatingItem] = []
    comments: list[CommentItem] = []
    # Set on export: what this file leaves out for its reader (blind rounds, identities), and why. Ignored on
    # import.
    withheld: Annotated[str, StringConstraints(max_length=2000)] = ""


class ReferenceValueItem(Strict):
    """The case's own value of an option on a scored criterion, in the criterion's units (not a judgment)."""

    option: Key
    criterion: Key
    value: Annotated[float, Field(allow_inf_nan=False)]


class CaseFile(Strict):
    format: Literal["policy-workbench-case"]
    version: Literal[3]
    case: CaseHeader
    sources: list[Source] = []
    evidence: list[EvidenceItem] = []
    actors: list[ActorItem] = []
    drivers: list[DriverItem] = []
    consistency: list[ConsistencyItem] = []
    cross_impacts: list[CrossImpactItem] = []
    scenarios: list[ScenarioItem] = []
    options: list[OptionItem] = []  # empty while a case is being built
    criteria: list[CriterionItem] = []
    reference_values: list[ReferenceValueItem] = []
    exercises: list[ExerciseItem] = []


def case_file_json_schema() -> dict[str, object]:
    """The JSON Schema published in docs/, so other tools can validate case files without this code."""
    schema = CaseFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"Policy workbench case file, version {FORMAT_VERSION}"
    return schema
