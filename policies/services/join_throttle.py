"""How many wrong join codes the server tolerates, from one address and from everyone, and what it refuses.

A code is 8 characters from an alphabet of 31 (8.5e11 codes) and lives 12 hours. The rule (documented in
docs/operations.md and in the facilitator's guide):

1. Each address may send ``PER_ADDRESS`` wrong codes per window of ``WINDOW_SECONDS``. Beyond that its wrong
   codes are answered 429, but the right code still opens the workshop: a classroom behind one NAT is not
   locked out by its typos, and a typo is never what keeps the room's correct code out.
2. Because the right code still opens, an address over its limit could go on testing codes. So the server as a
   whole tolerates ``SERVER_WIDE`` wrong codes per window, from all addresses together; once that many came in
   (a guessing campaign), addresses over their own limit are refused without their code being looked at until
   the window ends. Addresses within their limit are never affected.

At most ``SERVER_WIDE`` + ``PER_ADDRESS`` x (addresses used) codes are tested per window: with one address,
about 144,000 a day, which finds one of 20 live codes about once in 800 years. IPv6 addresses count per /64
network, the block a single subscriber usually holds. The counters live in the shared cache (Redis, or the
database without it), so every limit counts once for the whole server, whichever process answers.
"""

import ipaddress
import time

from django.core.cache import cache

PER_ADDRESS = 20
SERVER_WIDE = 1000
WINDOW_SECONDS = 600
_EVERYONE = "*"


def _now() -> float:
    return time.time()


def _window() -> int:
    return int(_now() // WINDOW_SECONDS)


def seconds_left() -> int:
    """Seconds until the current window ends and its counts are forgotten (a Retry-After value)."""
    return max(1, int(WINDOW_SECONDS - _now() % WINDOW_SECONDS))


def _source(address: str) -> str:
    """Who a failure is counted against: the address, or its /64 network for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _key(source: str, window: int) -> str:
    return f"join-fail:{window}:{source}"


def may_try(address: str) -> bool:
    """Whether a code from ``address`` is looked at: False only while this address is over its own limit and
    the server has seen its limit of wrong codes in the window (rule 2)."""
    window = _window()
    counts = cache.get_many([_key(_source(address), window), _key(_EVERYONE, window)])
    over_own_limit = int(counts.get(_key(_source(address), window), 0)) >= PER_ADDRESS
    return not (over_own_limit and int(counts.get(_key(_EVERYONE, window), 0)) >= SERVER_WIDE)


def _count(key: str) -> int:
    cache.add(key, 0, 2 * WINDOW_SECONDS)  # the window's key outlives the window; nothing resets it early
    try:
        return int(cache.incr(key))
    except ValueError:  # gone meanwhile (a cache outage, or culled): start again
        cache.set(key, 1, 2 * WINDOW_SECONDS)
        return 1


def record_failure(address: str) -> bool:
    """Count a wrong code from ``address``; True once the address is over its limit (the answer is a 429).

    A right code never resets the count: otherwise anyone holding one code could clear their count between
    guesses."""
    window = _window()
    _count(_key(_EVERYONE, window))
    return _count(_key(_source(address), window)) > PER_ADDRESS
