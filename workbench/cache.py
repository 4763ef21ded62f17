"""Redis as a cache that an outage degrades instead of breaking.

The cache holds copies (sessions, whose rows stay in the database) and throttling counters. When Redis stops,
participants must keep scoring: reads miss, writes are dropped, and the join-code throttle counts nothing until
Redis is back. A warning is logged at most once a minute so an outage is visible without flooding the log.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("workbench.cache")
WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Cache unavailable (%s failed: %s); serving without it", operation, error)


def _tolerant(operation: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    method = getattr(RedisCache, operation)

    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            _warn(operation, error)
            return fallback(*args, **kwargs)

    call.__name__ = operation
    call.__doc__ = method.__doc__
    return call


def _missing_counter(key: str, *args: Any, **kwargs: Any) -> int:
    # What incr says of a key that is not there; callers then set it (a write that is dropped too).
    raise ValueError(f"Key '{key}' not found")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis for every cache call, which sets up some 170 response callbacks each time:
    about a fifth of a millisecond on every request that reads its session. A client object only borrows
    connections from its pool per command and is safe to share, so one per pool is kept."""

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        clients: dict[int, Any] = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda keys, version=None: {})
    has_key = _tolerant("has_key", lambda key, version=None: False)
    add = _tolerant("add", lambda *args, **kwargs: False)
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    incr = _tolerant("incr", _missing_counter)
    clear = _tolerant("clear", lambda: None)
