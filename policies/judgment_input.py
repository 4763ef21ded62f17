"""Reading what a person typed into a judgment field: numbers with a decimal comma, ratios like 1/3, ranks,
confidence, rationales and posted ids.

The web forms and the workshop screens post strings; this turns them into typed values, refusing what is not
one with a message meant for the person who typed it. The judgment service (policies.services.judgments) takes
only typed values, so the API and case import, which arrive typed, go through the same checks without a detour
through text.
"""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The largest primary key or version a database column holds; a bigger posted number cannot name a row.
MAX_ID = 2**63 - 1
RATIONALE_LENGTH = 2000


def refuse_nul(text: str) -> None:
    """PostgreSQL cannot store a NUL character in text: refuse it here rather than fail in the database."""
    if "\x00" in text:
        raise ValidationError(_("Text may not contain NUL characters."), code="invalid")


def parse_number(raw: str | None) -> float:
    """A number typed by a person: accepts a decimal comma, refuses NaN, infinities and text."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        raise ValidationError(_("Enter a number."), code="required")
    try:
        value = float(text)
    except ValueError as exc:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}, code="invalid") from exc
    if not math.isfinite(value):
        raise ValidationError(_("Enter a finite number."), code="invalid")
    return value


def parse_ratio(raw: str | None) -> float:
    """A pairwise comparison as typed or chosen: "3" or "1/3" (the scale is checked by the judgment service)."""
    text = (raw or "").strip().replace(",", ".")
    try:
        if "/" in text:
            top, _sep, bottom = text.partition("/")
            value = float(top) / float(bottom)
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationError(_("Choose how much more important one criterion is."), code="invalid") from exc
    if not math.isfinite(value) or value <= 0:
        raise ValidationError(_("Choose how much more important one criterion is."), code="invalid")
    return value


def parse_rank(raw: str | None, count: int) -> int:
    """A place from 1 to `count` in ASCII digits ("²" is a digit to Python, not to a person ranking)."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or not 1 <= int(text) <= count:
        raise ValidationError(
            _("Give every criterion a rank from 1 to %(n)d.") % {"n": count}, code="invalid"
        )
    return int(text)


def parse_rationale(raw: str | None) -> str:
    text = (raw or "").strip()
    refuse_nul(text)
    if len(text) > RATIONALE_LENGTH:
        raise ValidationError(_("Keep the rationale under 2000 characters."), code="too_long")
    return text


def parse_confidence(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if text not in {"1", "2", "3", "4", "5"}:
        raise ValidationError(_("Confidence goes from 1 (a guess) to 5 (certain)."), code="invalid")
    return int(text)


def posted_id(raw: str | None) -> int | None:
    """A posted id or version in ASCII digits that fits a database key, or None.

    "²".isdigit() is true yet int("²") fails, and SQLite overflows on numbers past 64 bits.
    """
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_ID else None
