"""Decision rules under uncertainty over an options x scenarios table."""

from __future__ import annotations

import numpy as np
import pytest

from policies.analysis import RobustnessResult, robustness

# Options A, B, C x three scenarios (higher = better).
PAYOFF = np.array([[200.0, 50.0, -20.0], [150.0, 100.0, -10.0], [90.0, 90.0, 90.0]])


def test_every_rule_by_hand() -> None:
    """Derived by hand (textbook rules as in Luce & Raiffa 1957, ch. 13).

    Laplace / uniform EV: A 230/3, B 240/3 = 80, C 90 -> C.
    Maximin: A -20, B -10, C 90 -> C.   Maximax: A 200, B 150, C 90 -> A.
    Hurwicz (alpha = .6): A .6*200 + .4*(-20) = 112, B .6*150 + .4*(-10) = 86, C 90 -> A.
    Regret (column best 200, 100, 90): A (0, 50, 110), B (50, 0, 100), C (110, 10, 0);
    max regret A 110, B 100, C 110 -> B (Savage).
    EV with p = (.6, .3, .1): A 120 + 15 - 2 = 133, B 90 + 30 - 1 = 119, C 90 -> A.
    """
    result = robustness(PAYOFF, probabilities=[0.6, 0.3, 0.1], alpha=0.6)
    assert isinstance(result, RobustnessResult)
    np.testing.assert_allclose(result.laplace, [230 / 3, 80, 90])
    np.testing.assert_allclose(result.expected_value, [133, 119, 90])
    np.testing.assert_allclose(result.maximin, [-20, -10, 90])
    np.testing.assert_allclose(result.maximax, [200, 150, 90])
    np.testing.assert_allclose(result.hurwicz, [112, 86, 90])
    np.testing.assert_allclose(result.regret, [[0, 50, 110], [50, 0, 100], [110, 10, 0]])
    np.testing.assert_allclose(result.max_regret, [110, 100, 110])
    assert dict(result.choices) == {
        "expected_value": 0,
        "laplace": 2,
        "maximin": 2,
        "maximax": 0,
        "hurwicz": 0,
        "max_regret": 1,
    }


def test_uniform_probabilities_when_none_are_given() -> None:
    result = robustness(PAYOFF)
    np.testing.assert_allclose(result.expected_value, result.laplace)
    np.testing.assert_allclose(result.probabilities, [1 / 3] * 3)


def test_probabilities_are_relative_likelihoods() -> None:
    np.testing.assert_allclose(
        robustness(PAYOFF, probabilities=[6, 3, 1]).expected_value,
        robustness(PAYOFF, probabilities=[0.6, 0.3, 0.1]).expected_value,
    )


def test_hurwicz_extremes_are_maximin_and_maximax() -> None:
    np.testing.assert_allclose(robustness(PAYOFF, alpha=0.0).hurwicz, PAYOFF.min(axis=1))
    np.testing.assert_allclose(robustness(PAYOFF, alpha=1.0).hurwicz, PAYOFF.max(axis=1))


def test_ties_are_reported_not_hidden() -> None:
    result = robustness([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0]])
    assert result.tied_choices["laplace"] == (0, 1)
    assert result.tied_choices["max_regret"] == (0, 1)
    assert result.choices["maximin"] == 0  # lowest index among the tied best
    with pytest.raises(TypeError):
        result.choices["maximin"] = 1  # type: ignore[index]


def test_a_single_scenario_reduces_every_rule_to_the_utility() -> None:
    result = robustness([[3.0], [5.0]])
    assert set(result.choices.values()) == {1}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"utilities": [[1.0, 2.0]]}, "at least two options"),
        ({"utilities": [[1.0, np.nan], [2.0, 3.0]]}, "option 1, scenario 2"),
        ({"utilities": [1.0, 2.0]}, "one column per scenario"),
        ({"utilities": PAYOFF, "alpha": 1.5}, "between 0 and 1"),
        ({"utilities": PAYOFF, "probabilities": [0.5, 0.5]}, "one value per scenario"),
        ({"utilities": PAYOFF, "probabilities": [0.5, -0.1, 0.6]}, "negative"),
        ({"utilities": PAYOFF, "probabilities": [0, 0, 0]}, "All scenario probabilities are zero"),
    ],
)
def test_invalid_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        robustness(**kwargs)  # type: ignore[arg-type]
