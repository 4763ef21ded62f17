"""The address a request comes from, read one way by every limit and every history.

Behind a balancer every request arrives from the balancer's own address: counted that way, the join-code
throttle and the login lockout by address would treat a whole site as one person. ``TRUSTED_PROXY_COUNT``
(allauth's ``ALLAUTH_TRUSTED_PROXY_COUNT``) says how many proxies in front of the web nodes append to
``X-Forwarded-For``; the address is read that many entries from its right, where no client can forge it.
With no proxy configured the header is ignored and the socket's address is used.
"""

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address, or None where the request carries none (a script's test request)."""
    try:
        address: str = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
    return address
