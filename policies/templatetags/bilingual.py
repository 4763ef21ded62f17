from typing import Any

from django import template

from policies.models.fields import localize

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """Bilingual case text in the reader's language: {{ option.name|tr }}."""
    return localize(value)


@register.filter
def percent(value: float) -> str:
    return f"{100 * float(value):.1f}%"
