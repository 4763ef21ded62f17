"""Text as an attacker types it into an option's name, a guest's display name or a rationale.

Hypothesis strategies mixing ordinary text with markup Plotly draws (links, styles), CSS that makes a browser
fetch an address (``url()``), formulas a spreadsheet runs, control characters and bidirectional marks; and the
concrete labels that made the report worker's browser fetch a loopback address.
"""

from hypothesis import strategies as st

#: Plotly's pseudo-HTML, its entities, and our own markup typed by someone else.
MARKUP = [
    "<b>", "</b>", "<i>", "<sup>", "<sub>", "<em>", "</span>", "<br>", "<BR>", "<br/>", "<extra>", "</extra>",
    '<a href="https://example.org/x">', '<a href="javascript:alert(1)">', "</a>", '<span style="color:red">',
    "<", ">", "&", "&lt;", "&amp;", "&#60;", "&#x3C;", "%{x}", "%{y:.1f}", "%%",
]  # fmt: skip
FORMULAS = [
    "=",
    "+",
    "-",
    "@",
    '=HYPERLINK("http://example.org/x")',
    "=cmd|' /C calc'!A0",
    "=1+1",
    "@SUM(A1)",
]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]  # fmt: skip
CSS_PROPERTIES = [
    "background-image",
    "background",
    "mask",
    "mask-image",
    "cursor",
    "list-style",
    "border-image",
]

css_url = st.builds(
    lambda tag, prop, quote, host: f"<{tag} style={quote}{prop}:url(http://{host}/x){quote}>",
    st.sampled_from(["span", "b", "i", "a", "sup"]),
    st.sampled_from(CSS_PROPERTIES),
    st.sampled_from(['"', "'"]),
    st.sampled_from(["127.0.0.1:9", "127.1:9", "localhost:9", "[::1]:9", "2130706433:9"]),
)
control = st.characters(categories=["Cc"])
piece = st.one_of(
    st.text(max_size=6),
    st.sampled_from(MARKUP),
    css_url,
    control,
    st.sampled_from(BIDI),
    st.sampled_from(FORMULAS),
)
#: One hostile label: a few pieces run together, never empty.
hostile_label = st.lists(piece, min_size=1, max_size=6).map("".join).filter(bool)
#: Distinct hostile labels, for the options or criteria of one figure.
hostile_labels = st.lists(hostile_label, min_size=1, max_size=4, unique=True)


def fetching_labels(base: str) -> dict[str, str]:
    """Labels that make a browser drawing them as Plotly markup fetch from ``base`` (``http://host:port``),
    each with its own path so that a request says which one leaked."""
    port = base.rsplit(":", 1)[1]
    return {
        "background": f'<span style="background-image:url({base}/bg)">S</span>',
        "mask": f"<b style='mask:url({base}/mask.svg)'>M</b>",
        "cursor": f'<span style="cursor:url({base}/cur),auto">C</span>',
        "short-host": f'<i style="background:url(http://127.1:{port}/short)">I</i>',
        "decimal-host": f'<span style="list-style:url(http://2130706433:{port}/dec)">D</span>',
        "link": f'<a href="{base}/link">L</a>',
    }
