"""Writing cross-consistency ratings and promoting combinations of states to scenarios."""

import pytest
from django.core.exceptions import ValidationError

from policies.models import Driver, DriverState, Scenario, StateConsistency
from policies.services.scenarios import (
    parse_consistency_value,
    parse_plausibility,
    promote_combination,
    set_consistency,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def make_field(case, shape=(2, 3, 2)):
    """Drivers d1, d2, ... with states s1, s2, ... each; returns {driver key: [states]}."""
    states = {}
    for d, count in enumerate(shape, start=1):
        driver = Driver.objects.create(case=case, key=f"d{d}", name={"en": f"Driver {d}"}, position=d)
        states[driver.key] = [
            DriverState.objects.create(driver=driver, key=f"s{i}", name={"en": f"D{d} state {i}"}, position=i)
            for i in range(1, count + 1)
        ]
    return states


@pytest.fixture
def field():
    case = CaseFactory()
    return case, make_field(case)


def pairs(case):
    return sorted(StateConsistency.objects.filter(case=case).values_list("state_a", "state_b", "value"))


def test_a_rating_is_stored_once_whatever_the_order(field) -> None:
    case, s = field
    a, b = s["d1"][0], s["d2"][1]
    row = set_consistency(case=case, state_a=b, state_b=a, value=-2, note={"en": "Cannot coexist"})
    assert (row.state_a, row.state_b, row.value) == (a, b, -2)  # lower id first
    set_consistency(case=case, state_a=a, state_b=b, value=1)
    assert pairs(case) == [(a.pk, b.pk, 1)]
    assert StateConsistency.objects.get().note == {"en": "Cannot coexist"}  # kept when not given
    set_consistency(case=case, state_a=b, state_b=a, value=2, note={"en": "Reinforce"})
    assert pairs(case) == [(a.pk, b.pk, 2)]
    assert StateConsistency.objects.get().note == {"en": "Reinforce"}


def test_a_row_stored_in_the_other_order_is_replaced_not_duplicated(field) -> None:
    case, s = field
    a, b = s["d1"][0], s["d3"][0]
    StateConsistency.objects.create(case=case, state_a=b, state_b=a, value=-1, note={"en": "Imported"})
    set_consistency(case=case, state_a=a, state_b=b, value=2)
    assert pairs(case) == [(a.pk, b.pk, 2)]
    assert StateConsistency.objects.get().note == {"en": "Imported"}


def test_zero_is_the_default_so_it_deletes_the_row(field) -> None:
    case, s = field
    a, b = s["d1"][1], s["d2"][2]
    StateConsistency.objects.create(case=case, state_a=b, state_b=a, value=-2)
    assert set_consistency(case=case, state_a=a, state_b=b, value=0) is None
    assert pairs(case) == []
    # Zero for a pair never rated is not an error.
    assert set_consistency(case=case, state_a=a, state_b=b, value=0) is None


@pytest.mark.parametrize("value", [3, -3, 10, True, 1.5])
def test_values_outside_minus_two_to_two_are_refused(field, value) -> None:
    case, s = field
    with pytest.raises(ValidationError, match="from -2 to \\+2"):
        set_consistency(case=case, state_a=s["d1"][0], state_b=s["d2"][0], value=value)
    assert pairs(case) == []


def test_two_states_of_one_driver_are_not_a_pair(field) -> None:
    case, s = field
    with pytest.raises(ValidationError, match="Both states belong to the driver “Driver 2”"):
        set_consistency(case=case, state_a=s["d2"][0], state_b=s["d2"][1], value=1)
    assert pairs(case) == []


def test_a_state_of_another_case_is_refused(field) -> None:
    case, s = field
    other = make_field(CaseFactory(), shape=(2, 2))
    with pytest.raises(ValidationError, match="does not belong to the case"):
        set_consistency(case=case, state_a=s["d1"][0], state_b=other["d2"][0], value=1)
    assert not StateConsistency.objects.exists()


@pytest.mark.parametrize(("raw", "value"), [("-2", -2), ("+1", 1), (" 2 ", 2), ("0", 0), ("7", 7)])
def test_parse_consistency_value(raw: str, value: int) -> None:
    assert parse_consistency_value(raw) == value


@pytest.mark.parametrize(
    ("raw", "message"), [("", "Choose a value"), (None, "Choose a value"), ("x", "not a whole")]
)
def test_parse_consistency_value_refuses_text(raw, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_consistency_value(raw)


@pytest.mark.parametrize(
    ("raw", "message"), [("", "Choose"), ("0", "from 1 to 5"), ("6", "from 1 to 5"), ("a", "not")]
)
def test_parse_plausibility_refuses_bad_values(raw: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_plausibility(raw)
    assert parse_plausibility("4") == 4


def test_promote_creates_a_scenario_of_the_combination(field) -> None:
    case, s = field
    Scenario.objects.create(case=case, key="existing", position=4)
    combination = [s["d1"][1], s["d2"][0], s["d3"][1]]
    scenario = promote_combination(
        case=case,
        states=combination,
        name="  Grand Bargain: 2013 ",
        narrative="Everyone agrees.",
        plausibility=4,
        language="fr",
    )
    scenario.refresh_from_db()
    assert scenario.key == "grand-bargain-2013"
    assert scenario.position == 5
    assert scenario.name == {"fr": "Grand Bargain: 2013"}
    assert scenario.narrative == {"fr": "Everyone agrees."}
    assert scenario.plausibility == 4
    assert set(scenario.states.all()) == set(combination)


def test_keys_stay_unique_in_the_case(field) -> None:
    case, s = field
    combinations = [
        [s["d1"][0], s["d2"][0], s["d3"][0]],
        [s["d1"][1], s["d2"][0], s["d3"][0]],
        [s["d1"][0], s["d2"][1], s["d3"][0]],
        [s["d1"][0], s["d2"][0], s["d3"][1]],
    ]
    keys = [
        promote_combination(
            case=case, states=combination, name="Status quo", narrative="", plausibility=3, language="en"
        ).key
        for combination in combinations[:3]
    ]
    assert keys == ["status-quo", "status-quo-2", "status-quo-3"]
    # A name with nothing to slugify still gets a key.
    assert (
        promote_combination(
            case=case, states=combinations[3], name="???", narrative="", plausibility=3, language="en"
        ).key
        == "scenario"
    )


def test_the_same_combination_cannot_be_promoted_twice(field) -> None:
    case, s = field
    combination = [s["d1"][0], s["d2"][1], s["d3"][0]]
    first = promote_combination(
        case=case, states=combination, name="Status quo", narrative="", plausibility=3, language="en"
    )
    with pytest.raises(ValidationError, match="already the scenario “Status quo”"):
        promote_combination(
            case=case,
            states=list(reversed(combination)),
            name="Again",
            narrative="",
            plausibility=2,
            language="en",
        )
    assert list(case.scenarios.all()) == [first]


def test_a_combination_with_an_impossible_pair_is_refused(field) -> None:
    case, s = field
    StateConsistency.objects.create(case=case, state_a=s["d3"][1], state_b=s["d1"][0], value=-2)
    with pytest.raises(
        ValidationError, match="impossible pair \\(-2\\): “Driver 3: D3 state 2” with “Driver 1: D1"
    ):
        promote_combination(
            case=case,
            states=[s["d1"][0], s["d2"][2], s["d3"][1]],
            name="Bad",
            narrative="",
            plausibility=3,
            language="en",
        )
    assert not Scenario.objects.exists()
    # -1 is unlikely, not impossible.
    StateConsistency.objects.update(value=-1)
    promote_combination(
        case=case,
        states=[s["d1"][0], s["d2"][2], s["d3"][1]],
        name="Unlikely",
        narrative="",
        plausibility=1,
        language="en",
    )
    assert Scenario.objects.count() == 1


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda s: [s["d1"][0], s["d2"][0]], "Choose a state for the driver “Driver 3”"),
        (
            lambda s: [s["d1"][0], s["d1"][1], s["d2"][0], s["d3"][0]],
            "only one state for the driver “Driver 1”",
        ),
        (
            lambda s: [s["d1"][0], s["d2"][0], s["d3"][0], s["d3"][0]],
            "only one state for the driver “Driver 3”",
        ),
        (lambda s: [], "Choose a state for the driver “Driver 1”"),
    ],
)
def test_one_state_per_driver_is_required(field, pick, message: str) -> None:
    case, s = field
    with pytest.raises(ValidationError, match=message):
        promote_combination(case=case, states=pick(s), name="X", narrative="", plausibility=3, language="en")
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "Give the scenario a name"),
        ({"name": "x" * 201}, "under 200 characters"),
        ({"plausibility": 0}, "from 1 to 5"),
        ({"plausibility": 6}, "from 1 to 5"),
        ({"language": "de"}, "Unknown language"),
    ],
)
def test_bad_fields_are_refused(field, changes, message: str) -> None:
    case, s = field
    arguments = {"name": "Fine", "narrative": "", "plausibility": 3, "language": "en", **changes}
    with pytest.raises(ValidationError, match=message):
        promote_combination(case=case, states=[s["d1"][0], s["d2"][0], s["d3"][0]], **arguments)
    assert not Scenario.objects.exists()


def test_states_of_another_case_are_refused(field) -> None:
    case, s = field
    other = make_field(CaseFactory(), shape=(2, 2, 2))
    with pytest.raises(ValidationError, match="does not belong to the case"):
        promote_combination(
            case=case,
            states=[s["d1"][0], s["d2"][0], other["d3"][0]],
            name="Mixed",
            narrative="",
            plausibility=3,
            language="en",
        )
    assert not Scenario.objects.exists()
