"""The migrations build the schema the models describe, on SQLite and PostgreSQL, and a ledger
booked before purchase states keeps every entry a completed purchase of its own."""

from contextlib import contextmanager

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.db import MIGRATIONS, make_engine, migrate, scratch_schema
from ledger.models import Base

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """A database with no ledger yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kuota.db'}"
        return
    with scratch_schema(request.getfixturevalue("postgres_url"), "kuota_test") as url:
        yield url


@contextmanager
def connected(url: str):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def upgrade_to(url: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with connected(url) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def test_the_migrated_schema_is_the_models_schema(empty_url):
    migrate(empty_url)
    with connected(empty_url) as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []


def test_entries_booked_before_purchase_states_stay_completed_purchases_of_their_own(empty_url):
    upgrade_to(empty_url, "0002")
    with connected(empty_url) as conn:
        conn.execute(text(
            "INSERT INTO entries (event_id, fingerprint, kind, buyer_id, region, supplier_id, amount, channel, "
            "occurred_at, booked_on, period, recorded_at, late) VALUES ('evt-00000001', 'fp', 'purchase', "
            "'B-1', '3216', 'S-1', 1000, 'tender', '2024-03-05 03:00:00', '2024-03-05', '2024-03', "
            "'2024-03-06 03:00:00', false)"))
        conn.execute(text(
            "INSERT INTO positions (buyer_id, period, channel, scale, cooperative, local, amount, entries) "
            "VALUES ('B-1', '2024-03', 'tender', 'unregistered', false, false, 1000, 1)"))
        conn.commit()
    migrate(empty_url)
    with connected(empty_url) as conn:
        row = conn.execute(text("SELECT state, source_system, source_key, source_version, declared_umk "
                                "FROM entries")).one()
    assert tuple(row) == ("completed", None, None, None, None)
    engine = make_engine(empty_url)
    try:
        with Session(engine) as s:
            report = audit(s)
        assert [p for p in report.problems if p.startswith("position")] == []
    finally:
        engine.dispose()
