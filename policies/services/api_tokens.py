"""Personal API tokens: create one (the secret is returned once, only its hash is kept) and revoke it."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import ApiToken, TokenScope

# Every secret starts with this, so a leaked token is recognisable (secret scanners, logs).
TOKEN_PREFIX = "pow_"
# How much of the secret is stored in clear to let users tell their tokens apart.
SHOWN_PREFIX_LENGTH = 12


def hash_secret(secret: str) -> str:
    """The stored form of a secret: sha256, hex. Secrets are random, so no salt or slow hash is needed."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    *, user: User, name: str, scopes: Iterable[str], expires: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns it with its secret, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."), code="required")
    chosen = sorted(set(scopes))
    if not chosen:
        raise ValidationError(_("Choose at least one scope."), code="required")
    unknown = [scope for scope in chosen if scope not in TokenScope.values]
    if unknown:
        raise ValidationError(_("Unknown scope %(scope)s.") % {"scope": ", ".join(unknown)}, code="invalid")
    if expires is not None and expires <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."), code="invalid")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        scopes=[scope for scope in TokenScope.values if scope in chosen],
        expires=expires,
    )
    return token, secret


def revoke_token(*, token: ApiToken) -> ApiToken:
    """Revoke for good; a revoked token is kept so its owner can see when it was last used."""
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
    return token
