"""Engines, transactions and migrations for SQLite (default) and PostgreSQL."""

import fcntl
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from ledger.errors import DatabaseUnavailable, DatabaseUrlInvalid, KuotaError, MigrationError

MIGRATIONS = Path(__file__).parent / "migrations"
# Bookings hold this lock shared, registrations exclusive: a reclassification never
# interleaves with a booking that read the old class (PostgreSQL; SQLite serialises writers).
REGISTRY_LOCK = 0x6B756F7461
EXAMPLE_URL = "postgresql+psycopg://user:password@127.0.0.1:5432/kuota"
CONNECT_TIMEOUT = 10  # seconds: libpq waits for the OS (minutes) on a host that drops packets
_SILENT = ("refused", "timeout", "timed out", "resolve", "translate host", "no route", "unreachable",
           "not known")


def ledger_url(url: str) -> str:
    """`url` as kuota connects to it: `postgres://` and `postgresql://` through psycopg (the
    driver kuota installs), SQLite as given. Any other URL raises DatabaseUrlInvalid, which names
    the setting and gives an example."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUrlInvalid(_refused(_mask(url), "not a database URL")) from None
    backend, _, driver = parsed.drivername.partition("+")
    shown = _masked(parsed)
    if backend in ("postgres", "postgresql"):
        if driver not in ("", "psycopg"):
            raise DatabaseUrlInvalid(_refused(shown, f"kuota reaches PostgreSQL through psycopg, not {driver}"))
        if not (parsed.host or parsed.query.get("host")):
            raise DatabaseUrlInvalid(_refused(shown, "names no host"))
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite" and driver in ("", "pysqlite"):
        if not parsed.database:
            raise DatabaseUrlInvalid(_refused(shown, "names no file (sqlite:///path/kuota.db)"))
        return url
    raise DatabaseUrlInvalid(_refused(shown, "kuota keeps its ledger in SQLite or PostgreSQL only"))


def _refused(shown: str, problem: str) -> str:
    return (f"{shown!r}: {problem}; set e.g. KUOTA_DATABASE_URL={EXAMPLE_URL}, or leave it unset for a SQLite "
            f"file in KUOTA_DATA_DIR")


def _masked(url: URL) -> str:
    return _mask(url.render_as_string(hide_password=True))


def _mask(text: str) -> str:
    text = re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)
    return re.sub(r"([?&]password=)[^&\s]*", r"\1***", text)  # libpq also takes it as a parameter


def shown(url: str) -> str:
    """A database URL fit for a log line or a message: its password replaced by `***`."""
    return _mask(url)


def with_tls(url: str, sslmode: str = "", sslrootcert: str | Path | None = None) -> str:
    """`url` with libpq's TLS parameters (`sslmode`, `sslrootcert`) set when given; psycopg receives
    the URL's query as connection parameters. A SQLite URL (a local file) is returned unchanged."""
    extra = {name: str(value) for name, value in (("sslmode", sslmode), ("sslrootcert", sslrootcert)) if value}
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url  # ledger_url() says what is wrong with it
    if not extra or parsed.get_backend_name() not in ("postgres", "postgresql"):
        return url
    return parsed.update_query_dict(extra).render_as_string(hide_password=False)


def make_engine(url: str, *, writer: bool = False, **kwargs) -> Engine:
    """An engine with the pragmas kuota relies on. On SQLite a `writer` engine starts its
    transactions IMMEDIATE, queued on a file lock; readers never wait for writers (WAL)."""
    url = ledger_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if "connect_timeout" not in parsed.query:
            kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT, **kwargs.get("connect_args", {})}
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        try:
            _private_file(Path(parsed.database))
        except OSError as exc:
            raise DatabaseUnavailable(_unavailable(parsed, exc)) from exc
    engine = create_engine(url, connect_args={"timeout": 60}, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let "begin" below decide how transactions start
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        if writer:
            # A batch touches index pages all over a large ledger: 64 MiB keeps them in memory,
            # and a checkpoint every 16,000 WAL pages (not 1,000) copies each page once for many
            # commits. Together they keep booking's cost per record flat as the ledger grows.
            cur.execute("PRAGMA cache_size=-65536")
            cur.execute("PRAGMA wal_autocheckpoint=16000")
        cur.close()

    if writer and parsed.database and parsed.database != ":memory:":
        _serialise_writers(engine, Path(parsed.database))

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _private_file(path: Path) -> None:
    # Created for its owner alone before SQLite creates it (0644): the ledger holds password
    # hashes and key digests, and SQLite gives its -wal and -shm files the ledger file's mode. An
    # existing file or folder keeps the mode it has.
    # O_EXCL: an existing file is never opened here. Closing any descriptor of a file drops every
    # POSIX lock this process holds on it, and SQLite's locks on a ledger it already has open (a
    # second engine in one process) are POSIX locks: dropping them lets another process reset the
    # WAL under it and lose committed transactions.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _serialise_writers(engine: Engine, database: Path) -> None:
    """Queue writers of one SQLite file on an OS lock: SQLite's own busy handler polls with
    sleeps of up to 100 ms, which idles workers that share the file; a blocking lock hands over
    as soon as the holder commits."""
    lock_file = database.with_name(database.name + ".writer-lock")
    _private_file(lock_file)
    lock = open(lock_file, "a+b")

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


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable, naming host:port (password masked) or the SQLite file, when the
    ledger database does not answer or refuses kuota."""
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        raise DatabaseUnavailable(_unavailable(engine.url, exc)) from exc


def _unavailable(url: URL, exc: Exception) -> str:
    reason = _reason(exc)
    if url.get_backend_name() == "sqlite":
        return f"cannot open the SQLite ledger {url.database}: {reason}; check KUOTA_DATA_DIR or KUOTA_DATABASE_URL"
    where = f"{url.host or url.query.get('host')}:{url.port or 5432}"
    if any(word in reason.lower() for word in ("ssl", "certificate", "tls")):
        return (f"no TLS connection to PostgreSQL at {where} ({_masked(url)}): {reason}; check KUOTA_DATABASE_SSLMODE "
                f"and KUOTA_DATABASE_SSLROOTCERT, and that the server has TLS on")
    if any(word in reason.lower() for word in _SILENT):
        return (f"nothing answered at {where} ({_masked(url)}): {reason}; start PostgreSQL there or set "
                f"KUOTA_DATABASE_URL")
    return (f"PostgreSQL at {where} refused kuota ({_masked(url)}): {reason}; check the user, password and "
            f"database in KUOTA_DATABASE_URL")


def _reason(exc: Exception) -> str:
    """The driver's own first words: what went wrong, without SQLAlchemy's wrapping and links."""
    lines = [line.strip() for line in str(getattr(exc, "orig", None) or exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__).rpartition("failed: ")[2]


def migrate(url: str) -> None:
    """Bring the database schema to the newest revision (idempotent)."""
    url = ledger_url(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url, writer=True)
    try:
        check_connection(engine)
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if cfg.attributes.get("recount_positions"):
                _recount_positions(conn)
            conn.commit()
    except KuotaError:
        raise
    except Exception as exc:  # the operator needs the cause, not a traceback of alembic internals
        raise MigrationError(f"could not migrate {_masked(make_url(url))}: {_reason(exc)}") from exc
    finally:
        engine.dispose()


def _recount_positions(conn) -> None:
    """A revision changed which entries count (0007 re-keyed SPSE contracts): the positions are
    written anew from the entries, with the schema at head, in the upgrade's transaction."""
    from ledger.books.recount import rebuild_positions

    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        rebuild_positions(session)
        session.commit()  # releases the savepoint; the upgrade's transaction commits the whole


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
        check_connection(engine)
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()
