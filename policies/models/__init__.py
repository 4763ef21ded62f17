"""Domain models, one module per area: teams, cases, exercises, reports."""

from policies.models.api import ApiToken, TokenScope
from policies.models.audit import AuditAction, AuditEvent
from policies.models.cases import (
    Actor,
    Case,
    Criterion,
    CrossImpact,
    DeletedItem,
    Driver,
    DriverState,
    Evidence,
    Option,
    ReferenceValue,
    Scenario,
    ScenarioOrigin,
    SourceDocument,
    StateConsistency,
)
from policies.models.exercises import Exercise, Participant, ScoreJudgment, WeightJudgment
from policies.models.invitations import Invitation, InvitationKind
from policies.models.profiles import UserProfile
from policies.models.reports import Report
from policies.models.teams import Membership, Role, Team
from policies.models.workshop import Comment, ImpactJudgment, PairwiseJudgment

__all__ = [
    "Actor",
    "ApiToken",
    "AuditAction",
    "AuditEvent",
    "Case",
    "Comment",
    "Criterion",
    "CrossImpact",
    "DeletedItem",
    "Driver",
    "DriverState",
    "Evidence",
    "Exercise",
    "ImpactJudgment",
    "Invitation",
    "InvitationKind",
    "Membership",
    "Option",
    "PairwiseJudgment",
    "Participant",
    "ReferenceValue",
    "Report",
    "Role",
    "Scenario",
    "ScenarioOrigin",
    "ScoreJudgment",
    "SourceDocument",
    "StateConsistency",
    "Team",
    "TokenScope",
    "UserProfile",
    "WeightJudgment",
]
