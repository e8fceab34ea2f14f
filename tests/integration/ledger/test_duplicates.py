"""Data ganda on a real ledger, SQLite and PostgreSQL: supplier ids suspected to be one business,
each with the spend booked under it, and the pairs an officer settled left out."""

import itertools
import json

import pytest
from sqlalchemy.orm import Session

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine
from ledger.reports.duplicates import duplicates
from ledger.reports.scope import Scope
from ledger.reports.suppliers import supplier_view
from schemas.events import normalise_npwp
from streams.officers.terminal import build
from tests import factories

PURCHASES, SUPPLIERS = "kuota.purchases.v1", "kuota.suppliers.v1"
AT = "2024-06-01T10:00:00+07:00"


def supplier(n: int, sid: str, name: str, district: str = "Cikarang Utara", region: str = "3216", **ids) -> dict:
    profile = {"district": district} | ({"identifiers": ids} if ids else {})
    return factories.registration(f"reg-{n:08d}", sid, "mikro", region=region, name=name, profile=profile)


def finding(event_id: str, type_: str, **body) -> dict:
    return {"type": type_, "schema_version": 1, "event_id": event_id, "occurred_at": AT, "reason": "diperiksa", **body}


class Books:
    def __init__(self, url):
        self.engine = make_engine(url, writer=True)
        self.recorder = Recorder(self.engine, epoch="test", retry_delay=0.01, max_delay=0.01)
        self.offsets = {t: itertools.count() for t in (PURCHASES, SUPPLIERS)}

    def send(self, topic, *values):
        records = [Record(topic, 0, next(self.offsets[topic]), json.dumps(v).encode()) for v in values]
        book = self.recorder.book_purchases if topic == PURCHASES else self.recorder.register_suppliers
        return book(records)

    def suspects(self, **filters):
        with Session(self.engine) as session:
            return duplicates(session, **filters)

    def kinds(self, **filters) -> dict[tuple[str, ...], str]:
        return {s.supplier_ids: s.kind for s in self.suspects(**filters)}


@pytest.fixture
def books(ledger_url):
    b = Books(ledger_url)
    b.send(SUPPLIERS,
           supplier(1, "sup-tani-01", "CV Tani Makmur", npwp="01.234.567.8-431.000"),
           supplier(2, "sup-tani-02", "Tani Makmur Sejahtera", district="Tambun Selatan", npwp="012345678431000"),
           supplier(3, "sup-warung-01", "Warung Bu Siti"),
           supplier(4, "sup-warung-02", "  WARUNG  bu siti "),
           supplier(5, "sup-rejeki-01", "Toko Sumber Rejeki", district="Tambun Selatan"),
           supplier(6, "sup-rejeki-02", "Toko Sumber Rezeki", district="tambun  selatan"),
           supplier(7, "sup-bengkel-01", "Bengkel Las Jaya Abadi", nib="9120001234567"),
           supplier(8, "sup-siti-lain", "Warung Bu Siti", district="Cibitung"))  # another kecamatan
    b.send(PURCHASES,
           factories.purchase("buy-00000001", 3_000_000, supplier="sup-tani-01"),
           factories.purchase("buy-00000002", 1_500_000, supplier="sup-tani-02"),
           factories.purchase("buy-00000003", 400_000, supplier="sup-warung-02"),
           factories.purchase("buy-00000004", 900_000, supplier="sup-warung-02", state="pending"),  # counts not yet
           factories.purchase("buy-00000005", 250_000, supplier="sup-rejeki-01"))
    return b


def test_two_ids_stating_one_npwp_written_differently_are_same_npwp_with_their_spend(books):
    (s,) = [s for s in books.suspects() if s.kind == "same_npwp"]
    assert (s.supplier_ids, s.evidence, s.spend) == (("sup-tani-01", "sup-tani-02"), normalise_npwp("012345678431000"),
                                                     (3_000_000, 1_500_000))
    assert (s.names, s.districts) == (("CV Tani Makmur", "Tani Makmur Sejahtera"), ("Cikarang Utara", "Tambun Selatan"))


def test_one_warung_registered_twice_in_one_kecamatan_is_same_name_and_only_counting_spend_is_shown(books):
    (s,) = [s for s in books.suspects() if s.kind == "same_name"]
    assert (s.supplier_ids, s.evidence, s.spend) == (("sup-warung-01", "sup-warung-02"), "warung bu siti",
                                                     (0, 400_000))
    assert "sup-siti-lain" not in s.supplier_ids


def test_a_near_name_is_similar_and_a_clean_supplier_is_in_no_suspect(books):
    kinds = books.kinds()
    assert kinds[("sup-rejeki-01", "sup-rejeki-02")] == "similar_name"
    assert 90 <= next(s.score for s in books.suspects() if s.kind == "similar_name") < 100
    assert len(kinds) == 3
    assert not any("sup-bengkel-01" in ids or "sup-siti-lain" in ids for ids in kinds)
    assert ("sup-rejeki-01", "sup-rejeki-02") not in books.kinds(score=99)


def test_the_largest_spend_at_stake_comes_first_and_a_region_filter_keeps_its_own(books):
    assert [s.kind for s in books.suspects()] == ["same_npwp", "same_name", "similar_name"]
    assert books.suspects(region="3275") == []


def test_a_distinct_finding_removes_its_pair_and_a_merge_does_too(books):
    books.send(SUPPLIERS, finding("distinct-00000001", "supplier.distinct", suppliers=["sup-rejeki-02", "sup-rejeki-01"]),
               finding("merge-00000001", "supplier.merged", keep="sup-warung-01", other="sup-warung-02"))
    assert set(books.kinds()) == {("sup-tani-01", "sup-tani-02")}
    books.send(SUPPLIERS, finding("unmerge-00000001", "supplier.unmerged", keep="sup-warung-01", other="sup-warung-02"))
    assert set(books.kinds()) == {("sup-tani-01", "sup-tani-02"), ("sup-warung-01", "sup-warung-02")}


def test_the_report_shows_a_row_per_id_with_words_for_the_kind(books):
    with Session(books.engine) as session:
        report = build(session, "duplicates", lang="en", as_of=None, region=None, score=90)
    first = report.rows[0]
    assert (first["suspect"], first["kind"], first["supplier_id"], first["spend"]) == (1, "same_npwp", "sup-tani-01",
                                                                                      3_000_000)
    assert first["supplier_ids"] == ["sup-tani-01", "sup-tani-02"]
    assert len(report.rows) == 6


def test_after_a_merge_the_suppliers_report_lists_one_supplier_under_either_id(books):
    books.send(SUPPLIERS, finding("merge-00000002", "supplier.merged", keep="sup-tani-01", other="sup-tani-02"))
    with Session(books.engine) as session:
        every = {x.supplier_id: x.received for x in supplier_view(Scope(session))}
        asked = [(x.supplier_id, x.received, x.entries) for x in supplier_view(Scope(session), supplier="sup-tani-02")]
    assert every["sup-tani-01"] == 4_500_000 and "sup-tani-02" not in every
    assert asked == [("sup-tani-01", 4_500_000, 2)]
