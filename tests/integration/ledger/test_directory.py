"""One buyer whatever arrives first: Toko Daring orders sent under a unit's SIRUP code and the
directory that names that code an alias of the unit, booked in either order, end in the same
entries, positions, buyers and names, and the audit is clean. On SQLite and PostgreSQL."""

import itertools
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.models import BuyerAlias, BuyerRow, Entry, Position
from ledger.reports.scope import Scope
from tests import factories

pytestmark = pytest.mark.integration
PURCHASES, TARGETS = "kuota.purchases.v1", "kuota.targets.v1"
UNIT, ALIAS = "D107-4.01.0.00.0.00.24.0000", "D107-satker-60442"


def described(buyer: str = UNIT, aliases=(ALIAS,), name: str = "SEKRETARIAT DAERAH", event_id: str = "satker:00000001"):
    return {"type": "buyer.described", "schema_version": 1, "event_id": event_id,
            "occurred_at": "2000-01-01T00:00:00+07:00", "buyer_id": buyer, "kind": "agency", "name": name,
            "region": "3204", "also_known_as": list(aliases)}


def order(n: int, amount: int, buyer: str = ALIAS, name: str = "Sekretariat Daerah (Toko Daring)") -> dict:
    return factories.purchase(f"tokodaring:{n:08d}", amount, buyer=buyer, region="3204", buyer_name=name,
                              supplier="merchant:griyasindo", at="2025-03-05T10:00:00+07:00")


class Books:
    def __init__(self, url):
        self.recorder = Recorder(make_engine(url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
        self.offsets = itertools.count()

    def send(self, topic, *values):
        records = [Record(topic, 0, next(self.offsets), json.dumps(v).encode()) for v in values]
        book = self.recorder.book_purchases if topic == PURCHASES else self.recorder.register_targets
        return book(records)

    def state(self) -> tuple:
        with Session(self.recorder.engine) as s:
            entries = sorted(s.execute(select(Entry.event_id, Entry.buyer_id, Entry.amount)).tuples())
            positions = sorted(s.execute(select(Position.buyer_id, Position.period, Position.amount,
                                                Position.entries)).tuples())
            buyers = sorted(s.execute(select(BuyerRow.id)).scalars())
            names = Scope(s).names
            report = audit(s)
            assert report.ok, report.problems
            return entries, positions, buyers, names.get(UNIT)


@pytest.fixture
def books(ledger_url):
    b = Books(ledger_url)
    yield b
    b.recorder.engine.dispose()


@pytest.mark.parametrize("directory_first", [True, False], ids=["directory-first", "orders-first"])
def test_orders_and_the_directory_in_either_order_make_one_buyer(books, directory_first):
    steps = [(TARGETS, [described()]), (PURCHASES, [order(1, 100_000), order(2, 50_000)])]
    for topic, events in (steps if directory_first else steps[::-1]):
        books.send(topic, *events)
    books.send(PURCHASES, order(3, 25_000), order(4, 10_000, buyer=UNIT, name="SEKRETARIAT DAERAH KAB. BANDUNG"))
    entries, positions, buyers, name = books.state()
    assert {b for _, b, _ in entries} == {UNIT} and buyers == [UNIT]
    assert positions == [(UNIT, "2025-03", 185_000, 4)]
    assert name == "SEKRETARIAT DAERAH"  # the directory's, whoever spoke last


def test_a_description_sent_again_moves_nothing_and_an_alias_keeps_its_buyer(books):
    books.send(PURCHASES, order(1, 100_000))
    books.send(TARGETS, described())
    books.send(TARGETS, described(buyer="D107-9.99.0.00.0.00.01.0000", event_id="satker:00000002"))  # claims the alias
    books.send(PURCHASES, order(2, 1_000))
    with Session(books.recorder.engine) as s:
        assert s.scalars(select(BuyerAlias.buyer_id).where(BuyerAlias.alias == ALIAS)).all() == [UNIT]
    entries, positions, buyers, _ = books.state()
    assert positions == [(UNIT, "2025-03", 101_000, 2)] and buyers == [UNIT]


def test_a_buyer_described_under_an_alias_hands_its_own_aliases_on(books):
    books.send(PURCHASES, order(1, 100_000, buyer="D107-old-id"))
    books.send(TARGETS, described(buyer=ALIAS, aliases=("D107-old-id",), event_id="satker:00000003"))
    books.send(TARGETS, described())
    entries, positions, buyers, _ = books.state()
    assert positions == [(UNIT, "2025-03", 100_000, 1)] and buyers == [UNIT]
