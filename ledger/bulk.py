"""Plain executemany for the hot statements (entries, receipts, position upserts): a row per event.

SQLAlchemy's per-row parameter processing costs more than the database write itself at
thousands of rows per second; this keeps the SQL the same, and rows come as the tuples the
driver takes, converted before the transaction (`values_of`).
"""

from datetime import date, datetime, timezone
from operator import itemgetter

from sqlalchemy import Connection, Table

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_tuples(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple], **same) -> None:
    """Rows already as tuples in `columns` order (values that need no conversion), each followed
    by the `same` values, one for the whole batch (a moment), converted once."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    mark = _PLACEHOLDER[conn.dialect.paramstyle]
    names = (*columns, *same)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    tail = tuple(same.values())
    if conn.dialect.name == "sqlite":
        tail = tuple(sqlite_text(v) for v in tail)
    conn.exec_driver_sql(sql, [row + tail for row in rows])


def values_of(row: dict, columns: tuple[str, ...], sqlite: bool) -> tuple:
    """A row as the driver takes it, in `columns` order: on SQLite dates and moments become the
    text SQLAlchemy's SQLite types write (`insert_tuples` then needs no conversion)."""
    if not sqlite:
        return tuple(row[c] for c in columns)
    return tuple(sqlite_text(row[c]) for c in columns)


def sqlite_text(value):
    """A date or moment as the text SQLAlchemy's SQLite types write and read back (UTC, no
    offset); any other value as it is."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(" ", "microseconds")[:-6]  # less its "+00:00"
    if isinstance(value, date):
        return value.isoformat()
    return value


def upsert_adding(conn: Connection, table: Table, rows: list[dict], key: list[str], add: list[str]) -> None:
    """INSERT, or on a conflict over `key` add the row's `add` columns to the stored ones
    (PostgreSQL and SQLite share the syntax). Values must need no conversion (text, numbers, booleans)."""
    if not rows:
        return
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    mark = _PLACEHOLDER[conn.dialect.paramstyle]
    name = quote(table.name)
    sql = (f"INSERT INTO {name} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))}) "
           f"ON CONFLICT ({', '.join(quote(c) for c in key)}) DO UPDATE SET "
           + ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in add))
    values = itemgetter(*columns)
    conn.exec_driver_sql(sql, [values(row) for row in rows])


def chunks(items: list, size: int = 900):
    """Slices of at most `size` items: SQLite allows 999 bound parameters in one statement."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
