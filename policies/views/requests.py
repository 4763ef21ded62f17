"""What a view's request holds beyond Django's HttpRequest, for the type checker.

Both are promises made elsewhere at run time: django-htmx's middleware sets `htmx` on every request, and
@login_required lets only signed-in users through. Annotating a view with them does not check either.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request of a view behind @login_required."""

    user: User
