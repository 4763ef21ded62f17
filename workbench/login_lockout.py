"""Login lockout: django-axes with a limit for each thing it counts, instead of one for all.

Two patterns of attack, two counts (``AXES_LOCKOUT_PARAMETERS``):

* guessing one account's password: ``LOGIN_FAILURE_LIMIT`` wrong passwords for one username from one address
  lock that pair out;
* password spraying, a few common passwords tried on many accounts: ``LOGIN_ADDRESS_FAILURE_LIMIT`` wrong
  passwords from one address, whatever the usernames, lock the address out. It is higher than the first, so
  that a room of colleagues behind one NAT may mistype a few passwords.

axes compares the largest of its counts with a single limit (``AXES_FAILURE_LIMIT``); `get_failures` scales
each count to that limit so that each meets its own. A successful login clears the failures of that account
at that address only: clearing the address's count too would let anyone holding one account reset it between
sprays. The counts live in the database, so every web process shares them.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

ADDRESS = "ip_address"  # the lockout parameter that counts an address's failures across usernames


class LoginLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        limits = [
            settings.LOGIN_ADDRESS_FAILURE_LIMIT if parameter == ADDRESS else limit
            for parameter in get_lockout_parameters(request, credentials)
        ]
        # count reaches its own limit exactly when count * limit // own limit reaches axes's limit.
        return max((count * limit // own for count, own in zip(counts, limits, strict=True)), default=0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        attempts_by_parameter = zip(
            get_lockout_parameters(request, credentials),
            self.filter_user_attempts(request, credentials),
            strict=True,
        )
        return sum(
            attempts.delete()[0] for parameter, attempts in attempts_by_parameter if parameter != ADDRESS
        )
