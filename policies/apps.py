from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_tables(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (the default cache without CACHE_URL) comes with every `migrate`: a server
    started, a test database or a benchmark's database has it without a step of its own. Nothing happens for
    a table that exists or a cache that is not in the database."""
    call_command("createcachetable", database=using, verbosity=0)


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policy options")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from policies.accounts import receivers  # noqa: F401  (connects allauth's signals)

        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="policies-cache-tables")
