"""Engines, transactions and migrations for SQLite (default) and PostgreSQL."""

import fcntl
import uuid
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ledger.errors import MigrationError

MIGRATIONS = Path(__file__).parent / "migrations"
# Bookings hold this lock shared, registrations exclusive: a reclassification never
# interleaves with a booking that read the old class (PostgreSQL; SQLite serialises writers).
REGISTRY_LOCK = 0x6B756F7461


def make_engine(url: str, *, writer: bool = False, **kwargs) -> Engine:
    """An engine with the pragmas kuota relies on. On SQLite a `writer` engine starts its
    transactions IMMEDIATE, queued on a file lock; readers never wait for writers (WAL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60}, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let "begin" below decide how transactions start
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    if writer and parsed.database and parsed.database != ":memory:":
        _serialise_writers(engine, Path(parsed.database))

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _serialise_writers(engine: Engine, database: Path) -> None:
    """Queue writers of one SQLite file on an OS lock: SQLite's own busy handler polls with
    sleeps of up to 100 ms, which idles workers that share the file; a blocking lock hands over
    as soon as the holder commits."""
    lock = open(database.with_name(database.name + ".writer-lock"), "a+b")

    @event.listens_for(engine, "begin")
    def _acquire(conn):
        fcntl.flock(lock, fcntl.LOCK_EX)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _release(conn):
        fcntl.flock(lock, fcntl.LOCK_UN)


def lock_registry(conn, *, exclusive: bool) -> None:
    if conn.dialect.name == "postgresql":
        fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {fn}(:key)"), {"key": REGISTRY_LOCK})


def migrate(url: str) -> None:
    """Bring the database schema to the newest revision (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url, writer=True)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
    except Exception as exc:  # the operator needs the cause, not a traceback of alembic internals
        raise MigrationError(f"could not migrate {make_url(url).render_as_string()}: {exc}") from exc
    finally:
        engine.dispose()


@contextmanager
def scratch_schema(database_url: str, prefix: str = "kuota_scratch"):
    """A PostgreSQL URL whose search_path is a new, empty schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@contextmanager
def session_for(url: str, *, migrate_first: bool = True):
    """A session on an engine of its own, disposed afterwards: for a command that reads the ledger
    and exits, or a tool that looks in now and then and must not keep connections open between
    looks. The schema is brought up to date first unless `migrate_first` is false."""
    if migrate_first:
        migrate(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
