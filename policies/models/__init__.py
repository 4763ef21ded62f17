"""Domain models, one module per area: teams, cases, exercises, reports."""

from policies.models.api import ApiToken, TokenScope
from policies.models.cases import (
    Actor,
    Case,
    Criterion,
    Driver,
    DriverState,
    Evidence,
    Option,
    Scenario,
    SourceDocument,
    StateConsistency,
)
from policies.models.exercises import Exercise, Participant, ScoreJudgment, WeightJudgment
from policies.models.profiles import UserProfile
from policies.models.reports import Report
from policies.models.teams import Membership, Role, Team
from policies.models.workshop import Comment, PairwiseJudgment

__all__ = [
    "Actor",
    "ApiToken",
    "Case",
    "Comment",
    "Criterion",
    "Driver",
    "DriverState",
    "Evidence",
    "Exercise",
    "Membership",
    "Option",
    "PairwiseJudgment",
    "Participant",
    "Report",
    "Role",
    "Scenario",
    "ScoreJudgment",
    "SourceDocument",
    "StateConsistency",
    "Team",
    "TokenScope",
    "UserProfile",
    "WeightJudgment",
]
