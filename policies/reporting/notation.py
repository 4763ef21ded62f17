"""The formulas of the report's method notes, written as HTML (no MathJax): notation, not prose, so they are
the same in every language but for the four words inside them. Symbols follow `policies.analysis` (its
docstrings give the same formulas)."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext


def _frac(numerator: str, denominator: str) -> str:
    return f'<span class="frac"><span class="num">{numerator}</span><span class="den">{denominator}</span></span>'


def _index(text: str) -> str:
    """A sub- or superscript: letters are variables (italic), digits and signs are not."""
    return f"<var>{text}</var>" if text.isalpha() else text


def _var(name: str, sub: str = "", sup: str = "") -> str:
    return (
        f"<var>{name}</var>"
        + (f"<sub>{_index(sub)}</sub>" if sub else "")
        + (f"<sup>{_index(sup)}</sup>" if sup else "")
    )


_x_ij, _x_kj = _var("x", "ij"), _var("x", "kj")
_w_j = _var("w", "j")
_r_ij = _var("r", "ij")
_v_ij = _var("v", "ij")
_min_k = "min<sub><var>k</var></sub>"
_max_k = "max<sub><var>k</var></sub>"
_sum_j = "∑<sub><var>j</var></sub>"
_sum_s = "∑<sub><var>s</var></sub>"


def formulas() -> dict[str, SafeString]:
    """The formulas in the active language: a few words inside them (if, otherwise, rank, mean) are translated,
    so they are built per report rather than once at import."""
    if_, otherwise = pgettext("formula", "if"), pgettext("formula", "otherwise")
    rank, mean = pgettext("formula", "rank"), pgettext("formula", "mean")
    return {
        "points": mark_safe(
            f"{_w_j} = "
            + _frac("1", "<var>m</var>")
            + " ∑<sub><var>k</var></sub> "
            + _frac(_var("p", "kj"), "∑<sub><var>l</var></sub> " + _var("p", "kl"))
        ),
        "group_score": mark_safe(
            f"{_x_ij} = " + _frac("1", _var("m", "ij")) + " ∑<sub><var>k</var></sub> " + _var("x", "kij")
        ),
        "minmax_benefit": mark_safe(
            f"{_r_ij} = " + _frac(f"{_x_ij} − {_min_k} {_x_kj}", f"{_max_k} {_x_kj} − {_min_k} {_x_kj}")
        ),
        "minmax_cost": mark_safe(
            f"{_r_ij} = " + _frac(f"{_max_k} {_x_kj} − {_x_ij}", f"{_max_k} {_x_kj} − {_min_k} {_x_kj}")
        ),
        "weighted_sum": mark_safe(f"{_var('S', 'i')} = {_sum_j} {_w_j} {_r_ij},&emsp;{_sum_j} {_w_j} = 1"),
        "topsis_norm": mark_safe(
            f"{_r_ij} = "
            + _frac(_x_ij, f"√(∑<sub><var>k</var></sub> {_var('x', 'kj', '2')})")
            + f",&emsp;{_v_ij} = {_w_j} {_r_ij}"
        ),
        "topsis_ideal": mark_safe(
            f"{_var('v', 'j', '+')} = max<sub><var>i</var></sub> {_v_ij},&emsp;{_var('v', 'j', '−')} = "
            f"min<sub><var>i</var></sub> {_v_ij}"
        ),
        "topsis_distance": mark_safe(
            f"{_var('D', 'i', '±')} = √({_sum_j} ({_v_ij} − {_var('v', 'j', '±')})<sup>2</sup>)"
        ),
        "topsis_closeness": mark_safe(
            f"{_var('C', 'i')} = "
            + _frac(_var("D", "i", "−"), f"{_var('D', 'i', '+')} + {_var('D', 'i', '−')}")
        ),
        "promethee_preference": mark_safe(
            f"{_var('d', 'j')}(<var>a</var>, <var>b</var>) = {_var('x', 'aj')} − {_var('x', 'bj')},&emsp;"
            f"{_var('P', 'j')}(<var>a</var>, <var>b</var>) = 1 {if_} {_var('d', 'j')}(<var>a</var>, <var>b</var>) &gt; 0, "
            f"0 {otherwise}"
        ),
        "promethee_pi": mark_safe(
            f"π(<var>a</var>, <var>b</var>) = {_sum_j} {_w_j} {_var('P', 'j')}(<var>a</var>, <var>b</var>)"
        ),
        "promethee_flow": mark_safe(
            "φ(<var>a</var>) = "
            + _frac("1", "<var>n</var> − 1")
            + " ∑<sub><var>b</var> ≠ <var>a</var></sub> [π(<var>a</var>, <var>b</var>) − π(<var>b</var>, <var>a</var>)]"
        ),
        "sensitivity_path": mark_safe(
            f"<var>w</var>(<var>t</var>) = <var>t</var> {_var('e', 'j')} + (1 − <var>t</var>) {_var('u', 'j')},"
            "&emsp;0 ≤ <var>t</var> ≤ 1"
        ),
        "smaa_acceptability": mark_safe(
            f"{_var('b', 'i', 'r')} = "
            + _frac(
                f"#{{<var>w</var> : {rank}<sub><var>i</var></sub>(<var>w</var>) = <var>r</var>}}",
                "<var>N</var>",
            )
        ),
        "smaa_central": mark_safe(
            f"{_var('w', 'i', 'c')} = {mean} {{<var>w</var> : {rank}<sub><var>i</var></sub>(<var>w</var>) = 1}}"
        ),
        "probability": mark_safe(
            f"{_var('p', 's')} = " + _frac(_var("π", "s"), f"{_sum_s} {_var('π', 's')}")
        ),
        "expected_value": mark_safe(
            f"EV<sub><var>i</var></sub> = {_sum_s} {_var('p', 's')} {_var('u', 'is')}"
        ),
        "maximin": mark_safe(
            f"maximin<sub><var>i</var></sub> = min<sub><var>s</var></sub> {_var('u', 'is')}"
        ),
        "hurwicz": mark_safe(
            f"H<sub><var>i</var></sub> = α max<sub><var>s</var></sub> {_var('u', 'is')} + (1 − α) "
            f"min<sub><var>s</var></sub> {_var('u', 'is')}"
        ),
        "regret": mark_safe(
            f"{_var('ρ', 'is')} = {_max_k} {_var('u', 'ks')} − {_var('u', 'is')},&emsp;MR<sub><var>i</var></sub> = "
            f"max<sub><var>s</var></sub> {_var('ρ', 'is')}"
        ),
        "kendall_w": mark_safe(
            "<var>W</var> = "
            + _frac(
                "12 <var>S</var>",
                "<var>m</var><sup>2</sup>(<var>n</var><sup>3</sup> − <var>n</var>) − <var>m</var> "
                + f"{_sum_j} {_var('T', 'j')}",
            )
            + f",&emsp;<var>S</var> = ∑<sub><var>i</var></sub> ({_var('R', 'i')} − <var>R̄</var>)<sup>2</sup>"
        ),
        "kendall_tau": mark_safe(
            "τ<sub><var>b</var></sub> = "
            + _frac(
                "∑<sub><var>i</var>&lt;<var>j</var></sub> sgn("
                + _var("a", "i")
                + " − "
                + _var("a", "j")
                + ") sgn("
                + _var("b", "i")
                + " − "
                + _var("b", "j")
                + ")",
                f"√({_var('P', 'a')} {_var('P', 'b')})",
            )
        ),
        "iqr": mark_safe(
            f"IQR<sub><var>ij</var></sub> = {_var('Q', '3')} − {_var('Q', '1')},&emsp;"
            f"IQR<sub><var>ij</var></sub> ≤ <var>θ</var>"
        ),
    }


#: The literature behind the methods (the references of `policies.analysis`), cited in the method notes.
REFERENCES: list[SafeString] = [
    mark_safe(
        "Barron, F. H., &amp; Barrett, B. E. (1996). Decision quality using ranked attribute weights. <cite>Management Science</cite>, 42(11), 1515–1523."
    ),
    mark_safe(
        "Brans, J. P., &amp; Vincke, Ph. (1985). A preference ranking organisation method (The PROMETHEE method for multiple criteria decision-making). <cite>Management Science</cite>, 31(6), 647–656."
    ),
    mark_safe(
        "Hurwicz, L. (1951). Optimality criteria for decision making under ignorance. <cite>Cowles Commission Discussion Paper</cite> 370."
    ),
    mark_safe(
        "Hwang, C. L., &amp; Yoon, K. (1981). <cite>Multiple Attribute Decision Making: Methods and Applications</cite>. Springer."
    ),
    mark_safe(
        "Kendall, M. G. (1945). The treatment of ties in ranking problems. <cite>Biometrika</cite>, 33(3), 239–251."
    ),
    mark_safe(
        "Kendall, M. G., &amp; Babington Smith, B. (1939). The problem of m rankings. <cite>Annals of Mathematical Statistics</cite>, 10(3), 275–287."
    ),
    mark_safe(
        "Lahdelma, R., &amp; Salminen, P. (2001). SMAA-2: Stochastic multicriteria acceptability analysis for group decision making. <cite>Operations Research</cite>, 49(3), 444–454."
    ),
    mark_safe("Luce, R. D., &amp; Raiffa, H. (1957). <cite>Games and Decisions</cite>. Wiley, ch. 13."),
    mark_safe(
        "Mareschal, B. (1988). Weight stability intervals in multicriteria decision aid. <cite>European Journal of Operational Research</cite>, 33(1), 54–64."
    ),
    mark_safe(
        "Savage, L. J. (1951). The theory of statistical decision. <cite>Journal of the American Statistical Association</cite>, 46(253), 55–67."
    ),
    mark_safe(
        "Triantaphyllou, E., &amp; Sánchez, A. (1997). A sensitivity analysis approach for some deterministic multi-criteria decision-making methods. <cite>Decision Sciences</cite>, 28(1), 151–194."
    ),
]
