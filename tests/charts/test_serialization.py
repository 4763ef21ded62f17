"""figure_json: compact JSON that cannot break out of its <script> element, without NaN."""

import json

from policies.charts import contributions_figure, figure_json
from policies.charts._common import figure_text


def test_names_cannot_close_the_script_element() -> None:
    figure = contributions_figure(
        ["</script><script>alert(1)</script>", "B & C"], ["<b>x</b>"], [[0.5], [0.25]]
    )
    text = str(figure_json(figure))
    assert "<" not in text and ">" not in text and "&" not in text
    parsed = json.loads(text)
    # Plotly's plain text for the names, which it draws as typed (tests/charts/test_plain_text.py).
    assert parsed["data"][0]["y"][0] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert [figure_text(name) for name in parsed["data"][0]["y"]] == [
        "</script><script>alert(1)</script>",
        "B & C",
    ]


def test_missing_values_become_null() -> None:
    figure = contributions_figure(["A", "B"], ["x"], [[float("nan")], [0.2]])
    assert json.loads(str(figure_json(figure)))["data"][0]["x"] == [None, 0.2]


def test_the_template_is_small() -> None:
    figure = contributions_figure(["A", "B"], ["x"], [[0.1], [0.2]])
    assert len(json.dumps(figure.to_plotly_json()["layout"]["template"])) < 1500
