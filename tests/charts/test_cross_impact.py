"""The cross-impact figures: what each one draws, from plain names and numbers."""

from policies import charts
from tests.charts.helpers import assert_valid

DRIVERS = ["Government", "Economy"]
STATES = [["Junta", "Civilian"], ["Shrinking", "Stagnant", "Growing"]]


def test_the_tableau_names_the_state_of_each_driver_in_each_scenario() -> None:
    figure = assert_valid(charts.scenario_tableau_figure(DRIVERS, ["S1", "S2"], [[0, 2], [1, 0]], STATES))
    trace = figure["data"][0]
    assert trace["y"] == DRIVERS and trace["x"] == ["S1", "S2"]
    assert trace["text"] == [["Junta", "Civilian"], ["Growing", "Shrinking"]]


def test_the_profile_separates_the_scenarios_states_from_the_others() -> None:
    balances = [3.0, -1.0, 0.0, 2.0, -2.0]
    figure = assert_valid(
        charts.balance_profile_figure(DRIVERS, STATES, balances, [0, 1], scenario_name="Junta, stagnant")
    )
    own, other = figure["data"]
    assert own["y"] == ["Government: Junta", "Economy: Stagnant"] and own["x"] == [3.0, 2.0]
    assert other["x"] == [-1.0, 0.0, -2.0]
    assert "Junta, stagnant" in figure["layout"]["title"]["text"]


def test_the_succession_shades_the_states_that_changed() -> None:
    figure = assert_valid(charts.succession_figure(DRIVERS, STATES, [[0, 0], [0, 2], [0, 2]]))
    trace = figure["data"][0]
    assert trace["z"] == [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert trace["text"][1] == ["Shrinking", "Growing", "Growing"]


def test_the_heatmap_leaves_one_drivers_blocks_empty_and_rings_disputed_cells() -> None:
    labels = ["A: a1", "A: a2", "B: b1", "B: b2"]
    owner = [0, 0, 1, 1]
    impacts = [[0, 0, 2, -1], [0, 0, -1.5, 1], [3, 0, 0, 0], [0, -3, 0, 0]]
    disputed = [[False] * 4 for _ in range(4)]
    disputed[1][2] = True
    figure = assert_valid(charts.matrix_heatmap_figure(labels, owner, impacts, disputed))
    heat, ring = figure["data"]
    assert heat["z"][0][:2] == [None, None] and heat["z"][0][2] == 2.0
    assert heat["text"][1][2] == "−1.5" and heat["zmin"] == -3 and heat["zmax"] == 3
    assert ring["x"] == ["B: b1"] and ring["y"] == ["A: a2"]
    # A case's own matrix has no dispute to mark.
    assert len(assert_valid(charts.matrix_heatmap_figure(labels, owner, impacts))["data"]) == 1
