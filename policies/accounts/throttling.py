"""The name django-axes counts failed sign-ins under.

allauth's form posts the typed text as `login` and hands the backends both `username` and, when it looks like
an address, `email`. Counting "alice" and "alice@example.org" apart would give an attacker twice the tries,
so an address that belongs to an account is counted under that account's username.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if typed is None:
        data = getattr(request, "POST", {}) or {}
        typed = data.get("login") or data.get("username")
    if not typed:
        return None
    typed = str(typed).strip()
    if "@" in typed:
        user_model = get_user_model()
        username = (
            user_model.objects.filter(email__iexact=typed)
            .order_by("pk")
            .values_list(user_model.USERNAME_FIELD, flat=True)
            .first()
        )
        if username:
            return str(username)
    return typed
