"""Checks shared by the chart tests."""

import json

import numpy as np
import plotly.graph_objects as go

from policies.charts import figure_json


def assert_valid(figure: go.Figure) -> dict:
    """The builders skip plotly's validation for speed: validate here (plotly raises on any unknown or
    ill-typed property) and check the page's JSON round-trips."""
    spec = figure.to_plotly_json()
    go.Figure(spec)  # validating constructor
    parsed = json.loads(str(figure_json(figure)))
    assert parsed["layout"]["title"]["text"]
    return parsed


def close(plotted, expected, atol: float = 6e-5) -> None:
    """Plotted numbers are rounded to 4 decimals for the page."""
    values = np.array([np.nan if v is None else v for v in plotted], dtype=float)
    np.testing.assert_allclose(values, np.asarray(expected, dtype=float), atol=atol)


def every_figure(
    options: list[str], criteria: list[str], scenarios: list[str], people: list[str]
) -> dict[str, go.Figure]:
    """Every figure builder of `policies.charts`, called with these names and plausible numbers; a builder
    added to the package and missing here fails tests/charts/test_plain_text.py."""
    from policies import charts

    o, c, s, p = len(options), len(criteria), len(scenarios), len(people)
    grid = [k / 10 for k in range(11)]
    ranks = [[(i + k) % o + 1 for i in range(o)] for k in range(3)]
    scores = [[0.1 * (i + 1) for i in range(o)] for _k in range(3)]
    reversal = charts.ReversalPoint(0.4, 0.5, f"{options[-1]} overtakes {options[0]}", True)
    return {
        "contributions_figure": charts.contributions_figure(
            options, criteria, [[0.1] * c for _ in range(o)], title=f"By {criteria[0]}", axis_title=options[0]
        ),
        "method_ranks_figure": charts.method_ranks_figure(
            options, people[:3] or ["m"], ranks[: max(1, min(3, p))], scores[: max(1, min(3, p))],
            [(criteria[0], options[0], 0.5)],
        ),
        "profile_figure": charts.profile_figure(options, criteria, [[0.5] * c] * o, [[5.0] * c] * o),
        "score_heatmap_figure": charts.score_heatmap_figure(options, criteria, [[5.0] * c] * o, [[0.5] * c] * o),
        "weights_figure": charts.weights_figure(criteria, [1 / c] * c, people, [[1 / c] * c] * p),
        "elicitation_figure": charts.elicitation_figure(criteria, people, [[1 / c] * c] * p),
        "score_spread_figure": charts.score_spread_figure(
            [charts.cell_label(n, criteria[0]) for n in options], people, [[float(k) for k in range(p)]] * o
        ),
        "consensus_figure": charts.consensus_figure(
            options, criteria, [[1.0] * c] * o, [[0.1] * c] * o, [[p] * c] * o
        ),
        "sensitivity_figure": charts.sensitivity_figure(
            options, criteria[0], grid, [[0.1 * i for i in range(o)] for _ in grid], 0.3, [reversal],
            score_label=scenarios[0],
        ),
        "tornado_figure": charts.tornado_figure(criteria, [1 / c] * c, [[0.0, 1.0]] * c, options[0]),
        "acceptability_figure": charts.acceptability_figure(options, [[1 / o] * o] * o),
        "central_weights_figure": charts.central_weights_figure(
            options, criteria, [[1 / c] * c] * o, [1 / c] * c, group_label=people[0]
        ),
        "scenario_heatmap_figure": charts.scenario_heatmap_figure(
            options, scenarios, [[0.5] * s] * o, highlight=0, score_label=criteria[0]
        ),
        "regret_figure": charts.regret_figure(options, scenarios, [[0.1] * s] * o, [0.1] * o),
        "rules_figure": charts.rules_figure(options, scenarios, ranks[:1] * s, scores[:1] * s, [[0]] * s),
        # Cross-impacts: criteria stand for the drivers, options for each driver's states.
        "scenario_tableau_figure": charts.scenario_tableau_figure(
            criteria, scenarios, [[k % o for _d in range(c)] for k in range(s)], [options] * c
        ),
        "balance_profile_figure": charts.balance_profile_figure(
            criteria, [options] * c, [float(k % 3) for k in range(o * c)], [0] * c, scenario_name=scenarios[0]
        ),
        "succession_figure": charts.succession_figure(criteria, [options] * c, [[0] * c, [o - 1] * c, [o - 1] * c]),
        "matrix_heatmap_figure": charts.matrix_heatmap_figure(
            [f"{d}: {st}" for d in criteria for st in options],
            [d for d in range(c) for _st in options],
            [[float((u + v) % 3 - 1) for v in range(o * c)] for u in range(o * c)],
            [[(u + v) % 4 == 0 for v in range(o * c)] for u in range(o * c)],
        ),
    }  # fmt: skip
