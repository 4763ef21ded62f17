"""Model instances from hand-written SQL, for the few queries a full workshop room runs hundreds of times a second.

Building a query through the ORM costs more CPU than running it: about a millisecond for a select_related
lookup, most of a poll's cost. Here the column list is derived once from the model's metadata (so a new field
is picked up without touching the SQL), the caller supplies the FROM and WHERE, and each row is turned into
instances with the same database converters the ORM applies, so values read the same on PostgreSQL and SQLite.
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import Col

Converter = Callable[[Any, Any, Any], Any]


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _fields(
    model: type[Model], vendor: str
) -> tuple[list[str], list[str], list[tuple[list[Converter], Col]]]:
    """(attnames, columns, (converters, column expression) per column) for the model on this vendor."""
    attnames: list[str] = []
    columns: list[str] = []
    converters: list[tuple[list[Converter], Col]] = []
    for field in model._meta.concrete_fields:
        assert field.column is not None  # what makes a field concrete
        attnames.append(field.attname)
        columns.append(field.column)
        column = field.cached_col
        converters.append(
            ([*connection.ops.get_db_converters(column), *field.get_db_converters(connection)], column)
        )
    return attnames, columns, converters


def select_list(model: type[Model], alias: str) -> str:
    """The model's concrete columns, qualified by the table alias used in the caller's FROM clause."""
    _attnames, columns, _converters = _fields(model, connection.vendor)
    return ", ".join(f"{quoted(alias)}.{quoted(column)}" for column in columns)


def width(model: type[Model]) -> int:
    return len(_fields(model, connection.vendor)[0])


def build[M: Model](model: type[M], values: Sequence[Any]) -> M:
    """An instance from the model's slice of a row, as the ORM would have loaded it."""
    attnames, _columns, converters = _fields(model, connection.vendor)
    converted = []
    for value, (field_converters, column) in zip(values, converters, strict=True):
        for convert in field_converters:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, attnames, converted)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row
