"""How numbers and names are written for people: one module for the screens, the charts, the reports and the
exports, so that a weight reads 12.3% (12,3 % in French) and an option carries the same name everywhere.

Numbers follow the active language (0.783 / 0,783; 10,000 / 10 000); names are the item's name in the active
language, or its key when it has none yet.
"""

import math
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from policies.models.fields import localize


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
    """A share (0.123) as a percentage in the active language: 12.3% in English, 12,3 % in French (whose
    typography puts a no-break space before the sign)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(value):
        return "–"
    space = "\u00a0" if (get_language() or "").startswith("fr") else ""
    return f"{fixed(100 * value, digits)}{space}%"


def count(value: int) -> str:
    """A whole number with the language's thousands separator: 10,000 / 10 000."""
    return str(number_format(int(value), 0, force_grouping=True))


# Languages whose writing puts the name of a language in lower case inside a sentence ("titre en anglais");
# English capitalises it ("Title in French").
LOWER_CASE_LANGUAGE_NAMES = frozenset({"fr"})


def language_name(code: str) -> str:
    """The name of language `code` in the active language, cased as that language writes it mid-sentence."""
    name = str(get_language_info(code)["name_translated"])
    if (get_language() or "en")[:2] in LOWER_CASE_LANGUAGE_NAMES:
        return name.lower()
    return name[:1].upper() + name[1:]


def display_name(item: Any) -> str:
    """An option's, criterion's, scenario's (any named case item's) name in the active language, or its key."""
    return localize(item.name) or item.key


def scenario_label(scenario: Any) -> str:
    """A scenario's name as the results show it: marked "(CIB)" when it came from the case's cross-impact
    balance analysis, so robustness across scenarios says which futures the drivers' dynamics produced."""
    name = display_name(scenario)
    if getattr(scenario, "origin", "") == "cib":
        return _("%(name)s (CIB)") % {"name": name}
    return name
