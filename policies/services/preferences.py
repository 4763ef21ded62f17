"""A person's saved interface language: kept on their profile so it follows them to any browser or device."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from policies.models import UserProfile


def known_language(code: str) -> bool:
    """Only the interface's own languages: a code Django could fall back from (``fr-ca``) is still refused,
    so a profile never stores what the check constraint would reject."""
    return code in {language for language, _name in settings.LANGUAGES}


def profile_for(*, user: User) -> UserProfile:
    """The user's profile, created on first need (users predate profiles)."""
    profile, _created = UserProfile.objects.get_or_create(user=user)
    return profile


def saved_language(*, user: User) -> str:
    """The language the user chose, or "" to follow the browser; reading creates no profile."""
    language = UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
    return language or ""


def set_language(*, user: User, language: str) -> UserProfile:
    """Remember ``language`` ("" forgets the choice) for every later session of the user."""
    if language and not known_language(language):
        raise ValidationError(_("Unknown language: %(code)s.") % {"code": language[:20]}, code="language")
    profile = profile_for(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile
