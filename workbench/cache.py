"""The two caches the workbench runs on, both shared by every web process of a server.

* Redis (``CACHE_URL``), as a cache that an outage degrades instead of breaking. It holds copies (sessions,
  whose rows stay in the database) and throttling counters. When Redis stops, participants must keep scoring:
  reads miss, writes are dropped, and the join-code throttle counts nothing until Redis is back. A warning is
  logged at most once a minute so an outage is visible without flooding the log.
* Without ``CACHE_URL``, a table of the database (`SharedDatabaseCache`): no service to run, and the two
  gunicorn workers of ``make run`` count every throttled attempt once for the whole server, where a cache in
  each process's memory let an address try each limit once per process.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, models, router, transaction
from django.utils import timezone
from redis import ConnectionPool, Redis
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

    # Django's client sets these; being private, they are missing from its type stubs.
    _client: type[Redis]
    _get_connection_pool: Callable[[bool], ConnectionPool]

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)
        clients: dict[int, Redis] = self.__dict__.setdefault("_clients", {})
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


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache with an ``incr`` fit for counters shared by several processes.

    Django's own ``incr`` (a get, then a set) lets two processes read the same count and both write count + 1,
    and its set gives the entry the default timeout, so a counter's window would move. Here the entry is locked
    for the read and the write (a row lock on PostgreSQL; SQLite's immediate transactions lock the database) and
    keeps its expiry.
    """

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            table = self.cache_model_class._meta.db_table
            cursor.execute(
                f"SELECT {quote('expires')} FROM {quote(table)} WHERE {quote('cache_key')} = %s{lock}",
                [made],
            )
            row = cursor.fetchone()
            value = self.get(key, version=version) if row else None
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            expires = _as_datetime(row[0], connection)
            remaining = (
                None if expires.year == datetime.max.year else (expires - timezone.now()).total_seconds()
            )
            new_value: int = value + delta
            self.set(
                key, new_value, timeout=max(remaining, 1) if remaining is not None else None, version=version
            )
            return new_value


def _as_datetime(value: Any, connection: Any) -> datetime:
    """A column's expiry read as the ORM reads it (aware or naive, as the database stores it), made aware."""
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
        value = converter(value, expression, connection)
    if not isinstance(value, datetime):
        raise TypeError(f"The cache's expiry column held {value!r}, not a date and time.")
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
