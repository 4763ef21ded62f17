"""Writing one score cell and its history row in as few statements as the database allows.

A full workshop room saves a few hundred cells a second, and the ORM's update_or_create plus
django-simple-history's signal cost six statements and most of a request's CPU in query building. On
PostgreSQL a save is a single statement: an INSERT ... ON CONFLICT DO UPDATE whose written row a data-modifying
CTE copies into the historical table, atomic without a transaction block. SQLite has no data-modifying CTEs:
there a revision is one UPDATE, a first save an UPDATE that finds nothing and an INSERT, and the history row is
copied by an INSERT ... SELECT, in one transaction. The SQL is built once from the models' metadata, so columns
added to ScoreJudgment or its historical model are picked up.

A save that changes nothing (the same value, rationale and confidence: a cell sent again as a page closes)
writes nothing on either database: no history row, so the decision trail shows no "4 -> 4", and no new
`updated`, so the dashboard's token (policies.selectors.workshop_state) does not tell every screen to redraw.
"""

from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from policies.models import ScoreJudgment
from policies.models.fields import column_field

# The columns naming a cell; scenario_id is compared with IS NULL for the baseline.
CELL_KEY = ("participant_id", "option_id", "criterion_id", "round")
# What a save may change; anything not given keeps its stored value.
WRITABLE = ("value", "rationale", "confidence")


@cache
def _table_columns() -> tuple[str, list[str]]:
    meta = ScoreJudgment._meta
    columns = [field.column for field in meta.concrete_fields if field.column and not field.primary_key]
    return meta.db_table, columns


@cache
def _history_date_field() -> Any:
    """Looked up once: each access to a model's `history` builds a new manager class."""
    return ScoreJudgment.history.model._meta.get_field("history_date")


@cache
def _history_sql() -> str:
    """INSERT ... SELECT copying the current row into the historical table with who, when and how."""
    quote = connection.ops.quote_name
    table, columns = _table_columns()
    history = ScoreJudgment.history.model._meta.db_table
    copied = ["id", *columns]
    return (
        f"INSERT INTO {quote(history)} ({', '.join(quote(c) for c in copied)}, {quote('history_date')}, "
        f"{quote('history_change_reason')}, {quote('history_type')}, {quote('history_user_id')}) "
        f"SELECT {', '.join(quote(c) for c in copied)}, %s, NULL, %s, %s FROM {quote(table)} WHERE {quote('id')} = %s"
    )


def _prepared(name: str, value: object) -> Any:
    """The value as the database driver wants it (JSON adapted, datetimes in the backend's form)."""
    return column_field(ScoreJudgment, name).get_db_prep_save(value, connection)


def _acting_user_id() -> int | None:
    """The signed-in user behind the request, as django-simple-history's middleware records it."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def write_score_cell(key: dict[str, Any], changes: dict[str, Any]) -> int:
    """Store the cell named by key (CELL_KEY plus scenario_id) with changes; returns the row's id.

    Two first saves of the same cell can race (a double submit): both UPDATEs find nothing, and the second
    INSERT's ON CONFLICT turns it into an update of the first one's row instead of a constraint error.
    """
    now = timezone.now()
    assignments = {name: changes[name] for name in WRITABLE if name in changes}
    assignments["updated"] = now
    if connection.vendor == "postgresql":
        return _upsert_with_history(key, assignments, now)
    with transaction.atomic(), connection.cursor() as cursor:
        row_id = _update_existing(cursor, key, assignments)
        history_type = "~"
        if row_id is None:
            inserted = _insert_new(cursor, key, assignments)
            if inserted is None:  # the cell exists and holds these very values
                return _existing_id(cursor, key)
            row_id, history_type = inserted, "+"
        cursor.execute(
            _history_sql(),
            [
                _history_date_field().get_db_prep_save(now, connection),
                history_type,
                _acting_user_id(),
                row_id,
            ],
        )
    return row_id


def _compared(assignments: dict[str, Any]) -> list[str]:
    """The written columns that say whether a save changes the cell (`updated` always differs)."""
    return [name for name in assignments if name in WRITABLE]


def _differs(column: str, new: str) -> str:
    """A NULL-safe "the stored value is not the new one" (SQLite's IS NOT, PostgreSQL's IS DISTINCT FROM;
    on PostgreSQL a jsonb rationale compares by content)."""
    operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{column} {operator} {new}"


def _key_where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    """The WHERE clause naming the cell, and its parameters."""
    quote = connection.ops.quote_name
    where = " AND ".join(f"{quote(c)} = %s" for c in CELL_KEY)
    params = [key[c] for c in CELL_KEY]
    if key.get("scenario_id") is None:
        where += f" AND {quote('scenario_id')} IS NULL"
    else:
        where += f" AND {quote('scenario_id')} = %s"
        params.append(key["scenario_id"])
    return where, params


def _update_existing(cursor: Any, key: dict[str, Any], assignments: dict[str, Any]) -> int | None:
    """Update the cell if it exists and the save changes it; None when it does not exist or is unchanged."""
    quote = connection.ops.quote_name
    table, _columns = _table_columns()
    where, key_params = _key_where(key)
    params = [_prepared(name, value) for name, value in assignments.items()] + key_params
    compared = _compared(assignments)
    if compared:
        where += " AND (" + " OR ".join(_differs(quote(name), "%s") for name in compared) + ")"
        params += [_prepared(name, assignments[name]) for name in compared]
    sets = ", ".join(f"{quote(name)} = %s" for name in assignments)
    cursor.execute(f"UPDATE {quote(table)} SET {sets} WHERE {where} RETURNING {quote('id')}", params)
    row = cursor.fetchone()
    return None if row is None else int(row[0])


def _insert_new(cursor: Any, key: dict[str, Any], assignments: dict[str, Any]) -> int | None:
    """Insert the cell (or update it, if another request inserted it meanwhile); None when it already holds
    these values, so nothing was written."""
    sql, params = _upsert(key, assignments)
    cursor.execute(f"{sql} RETURNING {connection.ops.quote_name('id')}", params)
    row = cursor.fetchone()
    return None if row is None else int(row[0])


def _existing_id(cursor: Any, key: dict[str, Any]) -> int:
    quote = connection.ops.quote_name
    table, _columns = _table_columns()
    where, params = _key_where(key)
    cursor.execute(f"SELECT {quote('id')} FROM {quote(table)} WHERE {where}", params)
    return int(cursor.fetchone()[0])


def _upsert(key: dict[str, Any], assignments: dict[str, Any]) -> tuple[str, list[Any]]:
    """INSERT ... ON CONFLICT DO UPDATE of the cell: a new row gets the defaults for what was not given, an
    existing one keeps its stored values for them, and is not updated at all (no row returned) when the save
    would leave its value, rationale and confidence as they are."""
    quote = connection.ops.quote_name
    table, columns = _table_columns()
    scenario_id = key.get("scenario_id")
    values = {"rationale": {}, "confidence": None, **key, "scenario_id": scenario_id, **assignments}
    target = [*CELL_KEY] if scenario_id is None else [*CELL_KEY, "scenario_id"]
    predicate = "IS NULL" if scenario_id is None else "IS NOT NULL"
    # The conflict target and predicate name the partial unique constraint the cell falls under.
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in target)}) WHERE {quote('scenario_id')} {predicate} "
        "DO UPDATE SET " + ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in assignments)
    )
    compared = _compared(assignments)
    if compared:
        sql += " WHERE " + " OR ".join(
            _differs(f"{quote(table)}.{quote(name)}", f"excluded.{quote(name)}") for name in compared
        )
    return sql, [_prepared(c, values[c]) for c in columns]


def _upsert_with_history(key: dict[str, Any], assignments: dict[str, Any], now: Any) -> int:
    """PostgreSQL: the upsert and its history row in one statement. xmax is 0 on a row this statement inserted
    and set on one it updated, which tells the history a first save ("+") from a revision ("~"). A save that
    changes nothing updates no row, so `written` is empty and no history row is copied; the id then comes from
    the stored row, which the statement's snapshot sees (a row it inserts it does not, but `written` has it)."""
    quote = connection.ops.quote_name
    table, columns = _table_columns()
    history = _history_date_field().model._meta.db_table
    copied = ", ".join(quote(c) for c in ["id", *columns])
    upsert, params = _upsert(key, assignments)
    where, key_params = _key_where(key)
    sql = (
        f"WITH written AS ({upsert} RETURNING *, (xmax = 0) AS fresh), "
        f"recorded AS (INSERT INTO {quote(history)} ({copied}, {quote('history_date')}, "
        f"{quote('history_change_reason')}, {quote('history_type')}, {quote('history_user_id')}) "
        f"SELECT {copied}, %s, NULL, CASE WHEN fresh THEN '+' ELSE '~' END, %s FROM written) "
        f"SELECT {quote('id')} FROM written UNION ALL "
        f"(SELECT {quote('id')} FROM {quote(table)} WHERE {where}) LIMIT 1"
    )
    params += [_history_date_field().get_db_prep_save(now, connection), _acting_user_id(), *key_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
