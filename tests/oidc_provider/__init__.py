"""A minimal OpenID Connect provider (django-oidc-provider) that the sign-in tests start in its own process.

Nothing of it is part of the workbench: it stands in for Keycloak or Entra ID on loopback.
"""
