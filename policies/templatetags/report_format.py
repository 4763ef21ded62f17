"""Numbers written the way the active language writes them (0.783 / 0,783; 10,000 / 10 000): the PDF report, and
the results screen's figures and data tables, which the report reuses."""

import math
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def fixed(value: float, digits: int) -> str:
    """``value`` rounded to ``digits`` decimals like an f-string (as the figures and the results screen round),
    written in the active language (a dash if it is not a number). (number_format alone truncates floats
    instead of rounding them.)"""
    if not math.isfinite(value):
        return "–"
    return str(number_format(Decimal(f"{value:.{digits}f}"), digits))


def number(value: Any, digits: int = 2) -> str:
    """A number in the active language, with up to ``digits`` decimals (trailing zeros dropped); a dash if none."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(value):
        return "–"
    text = f"{value:.{digits}f}"
    places = len(text.rstrip("0").partition(".")[2]) if "." in text else 0
    return fixed(value, places)


def share(value: Any, digits: int = 1) -> str:
    """A share (0.123) as a percentage in the active language: 12.3% / 12,3%."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(value):
        return "–"
    return f"{fixed(100 * value, digits)}%"


def count(value: int) -> str:
    """A whole number with the language's thousands separator: 10,000 / 10 000."""
    return str(number_format(int(value), 0, force_grouping=True))


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """{{ weight|pct }} -> 12.3%; {{ share|pct:0 }} -> 12%."""
    return share(value, int(digits))


@register.filter
def num(value: Any, digits: int = 2) -> str:
    """{{ score|num }} -> 6.5, 7 (up to two decimals); {{ score|num:3 }}."""
    return number(value, int(digits))
