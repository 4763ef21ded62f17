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
