"""Migration 0007 on a ledger that booked SPSE contracts under the old keys (package + contract
number): an addendum filed under a number of its own counted as a second contract; after the
upgrade the package's contract with its supplier is one purchase at its highest addendum, the
positions are recounted and the audit is clean. On SQLite and PostgreSQL."""

import itertools
import json
from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import MIGRATIONS, ledger_url, make_engine, migrate, scratch_schema
from ledger.models import Entry, Position, Receipt
from ledger.rules.attribution import purchase_row
from ledger.rules.fingerprint import fingerprint
from tests import factories

pytestmark = pytest.mark.integration
PURCHASES = "kuota.purchases.v1"
DINAS = "D197-1.03.0.00.0.00.01.0000"


def contract(event_id: str, key: str, version: int, amount: int, supplier: str = "npwp:0029427218701000") -> dict:
    return factories.purchase(event_id, amount, buyer=DINAS, region="6100", supplier=supplier, channel="tender",
                              at="2023-12-06T12:00:00+07:00", state="completed", source=("spse", key, version))


def at_revision(url: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", ledger_url(url).replace("%", "%%"))
    engine = make_engine(url, writer=True)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url_0006(request, tmp_path):
    """A ledger migrated up to 0006 only, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kuota.db'}"
        at_revision(url, "0006")
        yield url
        return
    with scratch_schema(request.getfixturevalue("postgres_url"), "kuota_test") as url:
        at_revision(url, "0006")
        yield url


def booked_at_0006(url: str, contracts: list[dict]) -> None:
    """What the recorder of revision 0006 wrote for these contracts (one buyer, month and channel,
    suppliers unregistered): their entries in that revision's columns, the position they moved and
    a receipt each. Written as rows: today's recorder writes the columns of today's schema."""
    now = datetime.now(timezone.utc)
    engine = make_engine(url, writer=True)
    columns = {c["name"] for c in inspect(engine).get_columns("entries")}
    rows = []
    for doc in contracts:
        event = factories.model(doc)
        rows.append({k: v for k, v in purchase_row(event, fingerprint(event), now).items() if k in columns})
    with Session(engine) as session:
        session.execute(insert(Entry.__table__), rows)
        session.execute(insert(Position.__table__), [{
            "buyer_id": DINAS, "period": "2023-12", "channel": "tender", "scale": "unregistered", "cooperative": False,
            "local": False, "amount": sum(r["amount"] for r in rows), "entries": len(rows)}])
        session.execute(insert(Receipt.__table__), [{
            "epoch": "test", "topic": PURCHASES, "partition": 0, "offset": n, "outcome": "applied", "reason": None,
            "event_id": r["event_id"], "received_at": now} for n, r in enumerate(rows)])
        session.commit()
    engine.dispose()


def total(session: Session) -> int:
    return sum(p.amount for p in session.scalars(select(Position)))


def test_addenda_booked_under_their_own_numbers_count_once_after_the_upgrade(ledger_url_0006):
    url = ledger_url_0006
    offsets = itertools.count(100)
    old = [  # as the importer keyed them before: package/contract number
        contract("spse:old-9475097-512-0", "9475097/000.3.3/512/KESBANGPOL-A", 0, 1_442_999_000),
        contract("spse:old-9475097-584-1", "9475097/000.3.3/584/KESBANGPOL-A", 1, 1_463_653_000),  # the addendum
        contract("spse:old-9375097-sp-0", "9375097/03.09.03/FS-05/SP/PGR-PDP/CK-PBL/2023/DPUPR", 0, 755_555_000,
                 supplier="npwp:0851920538701000"),
        contract("spse:old-9375097-add-1", "9375097/03.09.03/FS-05/ADD-01/PGR-PDP/CK-PBL/2023/DPUPR", 1, 755_555_000,
                 supplier="npwp:0851920538701000"),
        contract("spse:old-1111111-one-0", "1111111/#" + "0a1b2c3d4e" * 2, 0, 5_000_000),  # a long number: digest
    ]
    booked_at_0006(url, old)
    engine = make_engine(url)
    with Session(engine) as session:
        assert total(session) == 1_442_999_000 + 1_463_653_000 + 2 * 755_555_000 + 5_000_000  # counted twice
    engine.dispose()

    migrate(url)

    engine = make_engine(url)
    with Session(engine) as session:
        assert total(session) == 1_463_653_000 + 755_555_000 + 5_000_000
        keys = dict(session.execute(select(Entry.event_id, Entry.source_key)).tuples().all())
        assert keys["spse:old-9475097-512-0"] == keys["spse:old-9475097-584-1"] == "9475097/npwp:0029427218701000"
        assert keys["spse:old-1111111-one-0"] == "1111111/npwp:0029427218701000"
        report = audit(session)
        assert report.ok, report.problems
    engine.dispose()

    # The importer's event for the same addendum, under the new key, is a version of the same purchase.
    recorder = Recorder(make_engine(url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
    again = contract("spse:new-9475097-1", "9475097/npwp:0029427218701000", 1, 1_463_653_000)
    recorder.book_purchases([Record(PURCHASES, 0, next(offsets), json.dumps(again).encode())])
    with Session(recorder.engine) as session:
        assert total(session) == 1_463_653_000 + 755_555_000 + 5_000_000
        assert audit(session).ok
    recorder.engine.dispose()


def test_an_upgrade_with_nothing_to_rekey_leaves_the_positions_alone(ledger_url_0006):
    migrate(ledger_url_0006)
    engine = make_engine(ledger_url_0006)
    with Session(engine) as session:
        assert total(session) == 0 and audit(session).ok
    engine.dispose()
