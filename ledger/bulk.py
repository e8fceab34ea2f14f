"""Plain executemany for the hot statements (entries, receipts, position upserts): a row per event.

SQLAlchemy's per-row parameter processing costs more than the database write itself at
thousands of rows per second; this keeps the SQL the same and converts values once.
"""

from datetime import date, datetime, timezone
from operator import itemgetter

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
    values = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql(sql, [values(row) for row in rows])
        return
    converted = []
    for i, column in enumerate(columns):
        convert = _sqlite_converter(rows, column)
        if convert is None:
            continue
        if _one_value(rows, column):  # recorded_at, received_at: one moment for the whole batch
            text = convert(rows[0][column])
            convert = lambda _value, text=text: text  # noqa: E731
        converted.append((i, convert))
    params = []
    for row in rows:
        param = list(values(row))
        for i, convert in converted:
            param[i] = convert(param[i])
        params.append(tuple(param))
    conn.exec_driver_sql(sql, params)


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
        tail = tuple(_sqlite_datetime(v) if isinstance(v, datetime) else
                     _sqlite_date(v) if isinstance(v, date) else v for v in tail)
    conn.exec_driver_sql(sql, [row + tail for row in rows])


def _sqlite_converter(rows: list[dict], column: str):
    """The text form SQLAlchemy's SQLite types write and read back (UTC, no offset), or None."""
    sample = next((row[column] for row in rows if row[column] is not None), None)
    if isinstance(sample, datetime):
        return _sqlite_datetime
    if isinstance(sample, date):
        return _sqlite_date
    return None


def _one_value(rows: list[dict], column: str) -> bool:
    first = rows[0][column]
    return all(row[column] is first for row in rows)


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


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
