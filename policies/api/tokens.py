"""Who am I: the caller, their teams and roles, and their API tokens (never the secrets).

Tokens are created and revoked on the web page /account/tokens/, behind a password login: a token cannot mint
another token.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from policies.api.auth import READ, principal
from policies.api.pagination import Page
from policies.api.responses import errors
from policies.api.schemas import MeOut, TokenOut
from policies.models import ApiToken, Membership

router = Router(tags=["account"])


def token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "created": token.created,
        "last_used": token.last_used,
        "expires": token.expires,
        "revoked": token.revoked,
    }


@router.get(
    "/me",
    response={200: MeOut, **errors(401, 403, 422)},
    auth=READ,
    summary="The caller, their teams and roles, and the token in use",
    url_name="me",
)
def me(request: HttpRequest) -> dict[str, Any]:
    caller = principal(request)
    memberships = (
        Membership.objects.filter(user_id=caller.user.pk).select_related("team").order_by("team__name")
    )
    return {
        "username": caller.user.get_username(),
        "teams": [{"slug": m.team.slug, "name": m.team.name, "role": m.role} for m in memberships],
        "token": token_out(caller.token) if caller.token else None,
    }


@router.get(
    "/tokens",
    response={200: list[TokenOut], **errors(401, 403, 422)},
    auth=READ,
    summary="The caller's API tokens, newest first",
    url_name="token-list",
)
@paginate(Page, item=token_out)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=principal(request).user.pk).order_by("-created", "-pk")
