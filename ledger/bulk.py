"""Plain executemany for the two hot inserts (entries, receipts): one row per event.

SQLAlchemy's per-row parameter processing costs more than the database write itself at
thousands of rows per second; this keeps the SQL the same and converts values once.
"""

from datetime import date, datetime, timezone

from sqlalchemy import Connection, Table

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    mark = _PLACEHOLDER[conn.dialect.paramstyle]
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])
        return
    converters = [_sqlite_converter(rows, c) for c in columns]
    conn.exec_driver_sql(
        sql, [tuple(f(row[c]) if f else row[c] for c, f in zip(columns, converters)) for row in rows]
    )


def _sqlite_converter(rows: list[dict], column: str):
    """The text form SQLAlchemy's SQLite types write and read back (UTC, no offset), or None."""
    sample = next((row[column] for row in rows if row[column] is not None), None)
    if isinstance(sample, datetime):
        return _sqlite_datetime
    if isinstance(sample, date):
        return _sqlite_date
    return None


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
