"""What a person may see of an exercise now: the one policy that every surface asks.

A decision conference makes two promises. Blind scoring: nobody sees anyone else's judgments, nor the group's
result, before the facilitator reveals them. Pseudonymity: nobody ties an alias to a person unless the exercise
lets them. Pages, htmx partials, polls, the dashboard, the results and their charts, the decision trail, the
comments, the API, the reports (PDF, workbook, CSV, JSON) and the case-file export all take their answer from
`visibility(viewer)`, so the promise holds on every surface or on none.

The rules (the user guide prints them as a table):

- **Group results and others' judgments** (the ranking, group weights, per-cell statistics, other people's
  weights, scores and rationales, and the group's cross-impact matrix with its disputed cells and scenarios,
  `policies.selectors.group_impacts`) of a round: facilitators (owner, facilitator) always; everybody else once the
  round is revealed. An exercise that is not blind is revealed all along; a blind one from the reveal phase on
  (reveal, discussion, closed). While round 2 is scored blind, round 1 stays visible: it is the Delphi feedback.
- **Identities** (names, profiles, the accounts behind aliases): in a named exercise, everybody; in a
  pseudonymous one, facilitators only; in an anonymous one, nobody, the facilitator included. Whoever may not
  see identities sees "Participant 3" labels, which never change and say nothing about the account.
- **One's own judgments**: always.

Who the viewer is (member and role, guest who joined by code, or neither) is settled by
`policies.selectors.access` (`Viewer`), which also decides who may write.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from policies.models import Participant
from policies.models.exercises import Anonymity, Exercise, Phase
from policies.selectors.access import Viewer

# Phases in which a blind exercise's current round is revealed to everyone.
REVEALED_PHASES = frozenset({Phase.REVEAL, Phase.DISCUSSION, Phase.CLOSED})


@dataclass(frozen=True)
class Visibility:
    """The answer for one viewer and one state of the exercise.

    last_round: the last round whose group results and other people's judgments the viewer may see (0: none).
    identities: whether the viewer may see who is who (names, profiles, account keys).
    """

    exercise_id: int
    current_round: int
    last_round: int
    identities: bool
    facilitator: bool
    blind: bool

    @property
    def group_results(self) -> bool:
        """Whether the current round's group results, and everyone's judgments, may be shown."""
        return self.last_round >= self.current_round

    def round_visible(self, round: int) -> bool:
        return 1 <= round <= self.last_round

    def shown_round(self, wanted: int | None = None) -> int | None:
        """The round to show for a request of `wanted` (None: the latest): itself if visible, else the latest
        visible one; None when no round is."""
        if self.last_round < 1:
            return None
        if wanted is None or not self.round_visible(wanted):
            return self.last_round
        return wanted

    def label(self, participant: Participant) -> str:
        """How this viewer names a participant (the one labelling rule)."""
        return participant_label(participant, identities=self.identities)

    def key(self, participant: Participant) -> str:
        """The participant's identifier in exports: their own key (which may name an account, "user-12") only
        for a viewer who may see identities, else one derived from their number."""
        return participant.key if self.identities else f"participant-{participant.number}"

    @property
    def withheld(self) -> str:
        """The line an output carries when it leaves something out for this viewer ("" when nothing is)."""
        parts = []
        if not self.group_results:
            if self.last_round >= 1:
                parts.append(
                    _(
                        "Round %(round)s is being judged blind: other participants' judgments and the group's "
                        "results of that round appear when the facilitator reveals them."
                    )
                    % {"round": self.current_round}
                )
            else:
                parts.append(
                    _(
                        "Scoring is blind: other participants' judgments and the group's results appear when the "
                        "facilitator reveals them."
                    )
                )
        if not self.identities:
            parts.append(_("Participants are shown by number: this exercise does not show you who they are."))
        return " ".join(parts)

    @property
    def scope(self) -> dict[str, Any]:
        """What an output built for this viewer may hold: stored with a report and checked at download."""
        return {"exercise": self.exercise_id, "round": self.last_round, "identities": self.identities}

    def covers(self, scope: dict[str, Any]) -> bool:
        """Whether this viewer may see everything an output built with `scope` holds. An output with no scope
        (built before scopes were recorded) is treated as holding everything."""
        if not scope:
            scope = {"exercise": self.exercise_id, "round": self.current_round, "identities": True}
        if scope.get("exercise") != self.exercise_id:
            return False
        round_ = scope.get("round")
        if not isinstance(round_, int) or round_ > self.last_round:
            return False
        return self.identities or not scope.get("identities", True)


def visibility(viewer: Viewer) -> Visibility:
    """What `viewer` may see of their exercise now (see the module docstring for the rules)."""
    exercise = viewer.exercise
    return visibility_for(exercise, facilitator=viewer.can_facilitate)


def visibility_for(exercise: Exercise, *, facilitator: bool) -> Visibility:
    """The policy for a viewer who is, or is not, a facilitator of `exercise`. Prefer `visibility(viewer)`;
    this form serves code that already settled the role (a report built for its requester's role)."""
    revealed = facilitator or is_revealed(exercise)
    last_round = exercise.current_round if revealed else exercise.current_round - 1
    if exercise.anonymity == Anonymity.ANONYMOUS:
        identities = False
    elif exercise.anonymity == Anonymity.PSEUDONYMOUS:
        identities = facilitator
    else:
        identities = True
    return Visibility(
        exercise_id=exercise.pk,
        current_round=exercise.current_round,
        last_round=max(last_round, 0),
        identities=identities,
        facilitator=facilitator,
        blind=bool(exercise.blind),
    )


def is_revealed(exercise: Exercise) -> bool:
    """Whether the current round is open to everyone: always in an exercise that is not blind, from the reveal
    phase on in a blind one."""
    return not exercise.blind or exercise.phase in REVEALED_PHASES


def participant_label(participant: Participant, *, identities: bool) -> str:
    """A participant's name where identities may be seen, else their number ("Participant 3")."""
    if identities and participant.alias:
        return participant.alias
    return _("Participant %(number)s") % {"number": participant.number}
