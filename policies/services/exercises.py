"""Exercise settings that facilitators steer."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from policies.models import Exercise
from policies.models.exercises import Method


def set_method(*, exercise: Exercise, method: str) -> Exercise:
    """Choose the method behind the exercise's official ranking and its reports."""
    if method not in Method.values:
        raise ValidationError(_("Unknown method “%(method)s”.") % {"method": method}, code="invalid")
    exercise.method = method
    exercise.save(update_fields=["method"])
    return exercise
