"""Bilingual text stored as {"en": ..., "fr": ...} so that a case file round-trips without loss."""

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils.translation import get_language


def localize(value: Any, language: str | None = None) -> str:
    """Pick the text for the active language, falling back to English, then to any language present.

    Falling back keeps a half-translated case usable rather than showing blanks.
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or not value:
        return ""
    language = (language or get_language() or "en")[:2]
    for key in (language, "en"):
        text = value.get(key)
        if text:
            return str(text)
    return next((str(text) for text in value.values() if text), "")


def column_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's field `name` where it is a column; `_meta.get_field` also finds the far side of relations."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), name
    return field


class LocalizedTextField(models.JSONField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "policies.models.fields.LocalizedTextField", args, kwargs
