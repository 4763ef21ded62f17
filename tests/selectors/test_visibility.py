"""The visibility policy on its own: every role kind, phase, round, blind setting and anonymity mode.

The expectations are written out here from the rules in the user guide's table, not computed by the policy, so
a change of the policy that drifts from the guide fails.
"""

import itertools

import pytest

from policies.models import Participant
from policies.models.exercises import Anonymity, Exercise, Phase
from policies.selectors.visibility import participant_label, visibility_for

PHASES = list(Phase.values)
REVEALED = {"reveal", "discussion", "closed"}


def exercise_in(phase: str, round_: int, blind: bool, anonymity: str) -> Exercise:
    # Not saved: the policy reads the exercise's fields only.
    return Exercise(pk=7, phase=phase, current_round=round_, blind=blind, anonymity=anonymity)


@pytest.mark.parametrize(
    ("facilitator", "phase", "round_", "blind", "anonymity"),
    list(itertools.product([True, False], PHASES, [1, 2], [True, False], list(Anonymity.values))),
)
def test_the_policy_follows_the_guides_table(
    facilitator: bool, phase: str, round_: int, blind: bool, anonymity: str
) -> None:
    seen = visibility_for(exercise_in(phase, round_, blind, anonymity), facilitator=facilitator)
    revealed = facilitator or not blind or phase in REVEALED
    assert seen.last_round == (round_ if revealed else round_ - 1)
    assert seen.group_results == revealed
    assert seen.round_visible(1) == (revealed or round_ == 2)
    assert not seen.round_visible(round_ + 1)
    expected_identities = {"named": True, "pseudonymous": facilitator, "anonymous": False}[anonymity]
    assert seen.identities == expected_identities
    assert bool(seen.withheld) == (not revealed or not expected_identities)


def test_labels_and_keys_hide_the_person_where_identities_are_hidden() -> None:
    person = Participant(key="user-12", alias="Amina Touré", number=3)
    named = visibility_for(exercise_in("scoring", 1, False, "named"), facilitator=False)
    hidden = visibility_for(exercise_in("scoring", 1, False, "pseudonymous"), facilitator=False)
    assert (named.label(person), named.key(person)) == ("Amina Touré", "user-12")
    assert (hidden.label(person), hidden.key(person)) == ("Participant 3", "participant-3")
    assert participant_label(Participant(alias="", number=4), identities=True) == "Participant 4"


def test_a_report_reaches_only_readers_who_may_see_all_it_holds() -> None:
    facilitator = visibility_for(exercise_in("scoring", 2, True, "pseudonymous"), facilitator=True)
    participant = visibility_for(exercise_in("scoring", 2, True, "pseudonymous"), facilitator=False)
    assert participant.last_round == 1 and facilitator.last_round == 2
    assert not participant.covers(facilitator.scope)  # round 2 and the names
    assert facilitator.covers(participant.scope)
    built_in_round_1 = {"exercise": 7, "round": 1, "identities": False}
    assert participant.covers(built_in_round_1)
    assert not participant.covers({**built_in_round_1, "exercise": 8})  # another exercise's file
    # A report without a recorded scope counts as holding everything: only a facilitator who may see
    # identities opens it.
    assert not participant.covers({})
    assert facilitator.covers({})
    anonymous = visibility_for(exercise_in("scoring", 2, True, "anonymous"), facilitator=True)
    assert not anonymous.covers({})
