"""OpenID Connect providers read from the environment, in the shape django-allauth's provider settings take.

OIDC_PROVIDERS lists provider ids (letters, digits, dashes); each id has its variables, the id upper-cased with
dashes as underscores: for `keycloak`,

- OIDC_KEYCLOAK_SERVER_URL: the issuer (its /.well-known/openid-configuration is read), required;
- OIDC_KEYCLOAK_CLIENT_ID and OIDC_KEYCLOAK_CLIENT_SECRET: the client registered with the issuer, required;
- OIDC_KEYCLOAK_NAME: the button's label ("Sign in with ..."), default the id;
- OIDC_KEYCLOAK_TRUST_EMAIL: 1 when the issuer's addresses count as verified even without an
  `email_verified` claim (Entra ID sends none); automatic team membership by email domain needs a verified address;
- OIDC_KEYCLOAK_TEAM_CLAIM: the claim whose values name teams to join (e.g. `groups`), optional;
- OIDC_KEYCLOAK_SCOPES: space-separated scopes, default `openid profile email`.

Nothing here is read by the app at run time: settings.py calls this once at start.
"""

import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TRUE = {"1", "true", "yes", "on"}


def _variable(provider_id: str, name: str) -> str:
    return f"OIDC_{provider_id.upper().replace('-', '_')}_{name}"


def providers_from_environment(environ: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One allauth app per id in OIDC_PROVIDERS; a missing required variable stops the start with its name."""
    environ = os.environ if environ is None else environ
    apps = []
    for provider_id in (item.strip().lower() for item in environ.get("OIDC_PROVIDERS", "").split(",")):
        if not provider_id:
            continue
        if not PROVIDER_ID.match(provider_id):
            raise ImproperlyConfigured(f"OIDC_PROVIDERS: {provider_id!r} is not a valid id (a-z, 0-9, -).")

        def get(name: str, provider_id: str = provider_id) -> str:
            return environ.get(_variable(provider_id, name), "").strip()

        missing = [
            _variable(provider_id, n) for n in ("SERVER_URL", "CLIENT_ID", "CLIENT_SECRET") if not get(n)
        ]
        if missing:
            raise ImproperlyConfigured(f"OpenID Connect provider {provider_id!r} needs {', '.join(missing)}.")
        app_settings: dict[str, Any] = {"server_url": get("SERVER_URL")}
        if get("TRUST_EMAIL"):
            app_settings["verified_email"] = get("TRUST_EMAIL").lower() in TRUE
        if get("TEAM_CLAIM"):
            app_settings["team_claim"] = get("TEAM_CLAIM")
        if get("SCOPES"):
            app_settings["scope"] = get("SCOPES").split()
        apps.append(
            {
                "provider_id": provider_id,
                "name": get("NAME") or provider_id,
                "client_id": get("CLIENT_ID"),
                "secret": get("CLIENT_SECRET"),
                "settings": app_settings,
            }
        )
    return apps


def provider_origins(apps: list[dict[str, Any]]) -> list[str]:
    """The issuers' origins. Browsers apply the Content-Security-Policy's form-action to the redirect that
    follows a form (allauth's "Continue" button goes on to the issuer), so these must be allowed there."""
    origins = []
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in {"http", "https"} and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins
