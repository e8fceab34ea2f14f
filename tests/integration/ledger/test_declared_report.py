"""Declared versus registered on a real SQLite ledger: the UMK value contracts declare beside what
the supplier registry supports on each purchase date."""

import itertools
import json

import orjson
import pytest
from sqlalchemy.orm import Session

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine, migrate
from ledger.reports.declared import declared
from ledger.reports.scope import Scope
from streams.officers.terminal import build
from tests import factories

PURCHASES, SUPPLIERS = "kuota.purchases.v1", "kuota.suppliers.v1"
DINAS = "D197-1.03.0.00.0.00.01.0000"


def contract(n: int, amount: int, supplier: str, declared_umk: int | None, **fields) -> dict:
    extra = {} if declared_umk is None else {"declared_umk_amount": declared_umk}
    return factories.purchase(f"spse-{n:08d}", amount, buyer=DINAS, region="6100", supplier=supplier,
                              at="2023-06-05T12:00:00+07:00", channel="tender", **extra, **fields)


class Books:
    def __init__(self, url):
        self.recorder = Recorder(make_engine(url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
        self.offsets = {t: itertools.count() for t in (PURCHASES, SUPPLIERS)}

    def send(self, topic, *values):
        records = [Record(topic, 0, next(self.offsets[topic]), json.dumps(v).encode()) for v in values]
        book = self.recorder.book_purchases if topic == PURCHASES else self.recorder.register_suppliers
        return book(records)

    def lines(self, **filters):
        with Session(self.recorder.engine) as session:
            return declared(Scope(session), **filters)


@pytest.fixture
def books(tmp_path):
    url = f"sqlite:///{tmp_path / 'books.db'}"
    migrate(url)
    b = Books(url)
    b.send(SUPPLIERS, factories.registration("reg-00000001", "npwp:0001", "kecil", region="6100", valid_from="2023-01-01"),
           factories.registration("reg-00000002", "npwp:0002", "besar", region="6100", name="PT Besar Sekali",
                                   valid_from="2023-01-01"))
    b.send(PURCHASES,
           contract(1, 100_000, "npwp:0001", 100_000),  # a small business: supported
           contract(2, 200_000, "npwp:0002", 200_000),  # a PT registered large: declared UMK all the same
           contract(3, 50_000, "npwp:0003", 50_000),  # nobody registered it
           contract(4, 70_000, "npwp:0003", None),  # declares nothing: not in this report
           contract(5, 30_000, "npwp:0002", 0),  # declares 0
           contract(6, 40_000, "npwp:0002", 40_000, state="void"))  # void never counts
    b.send(PURCHASES, factories.reversal("rev-00000001", "spse-00000002", 150_000, at="2023-07-01T10:00:00+07:00"))
    return b


def test_declared_umk_beside_what_the_registry_supports(books):
    (line,) = books.lines()
    # The reversal leaves 50,000 of contract 2: no more of it can be UMK spend.
    assert (line.buyer_id, line.year, line.contracts) == (DINAS, 2023, 3)
    assert (line.declared_umk, line.supported, line.not_supported, line.supported_bp) == (200_000, 100_000, 100_000, 5000)


def test_the_contracts_credited_as_umk_that_the_registry_does_not_support_are_listed_with_the_class(books):
    (line,) = books.lines()
    assert [(c.event_id, c.supplier_class, c.supplier_name, c.declared_umk) for c in line.unsupported] == [
        ("spse-00000002", "besar", "PT Besar Sekali", 50_000), ("spse-00000003", "unregistered", None, 50_000)]


def test_a_later_registration_moves_a_contract_into_what_is_supported(books):
    books.send(SUPPLIERS, factories.registration("reg-00000003", "npwp:0003", "mikro", region="6100",
                                                 valid_from="2023-01-01"))
    (line,) = books.lines()
    assert (line.supported, [c.event_id for c in line.unsupported]) == (150_000, ["spse-00000002"])


def test_filters(books):
    assert books.lines(year=2024) == [] and books.lines(buyer="someone-else") == []
    assert len(books.lines(year=2023, buyer=DINAS)) == 1


def test_the_officers_report_names_the_classes_in_words(books):
    with Session(books.recorder.engine) as session:
        report = build(session, "declared", lang="id", as_of=None, year=None, buyer=None)
    (row,) = orjson.loads(orjson.dumps(report.rows))
    assert row["not_supported_by_class"] == "besar (1); belum terdaftar (1)"
    assert [c["supplier_class"] for c in row["unsupported"]] == ["besar", "unregistered"]
