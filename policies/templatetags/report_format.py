"""Template filters for numbers written the way the active language writes them (policies.formatting)."""

from typing import Any

from django import template

from policies.formatting import number, share

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """{{ weight|pct }} -> 12.3%; {{ share|pct:0 }} -> 12%."""
    return share(value, int(digits))


@register.filter
def num(value: Any, digits: int = 2) -> str:
    """{{ score|num }} -> 6.5, 7 (up to two decimals); {{ score|num:3 }}."""
    return number(value, int(digits))
