"""How the workbench plugs into django-allauth: adapters, login throttling, session-held invitations, signals."""
