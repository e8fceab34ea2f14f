"""Programs evaluated against a real SQLite ledger: one alert per change of status, never a repeat."""

import itertools
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ledger.db import make_engine, migrate
from ledger.books.intake import Record
from ledger.models import Alert, Standing
from ledger.books.recorder import Recorder
from schemas.targets import events_from_document, target_key
from tests import factories
from tests.factories import BEBELI, RULE_40, SHARE_30

PURCHASES, SUPPLIERS, TARGETS = "kuota.purchases.v1", "kuota.suppliers.v1", "kuota.targets.v1"
NOW = datetime(2026, 1, 10, tzinfo=timezone.utc)  # every 2024 period has closed
MID_Q2 = datetime(2024, 5, 20, 3, tzinfo=timezone.utc)


# Purchase and registration number n; by default a company of 3216 buying through kemitraan.
COMPANY = dict(buyer="co-3216-mall", kind="company", at="2024-02-05T10:00:00+07:00", channel="kemitraan")


def purchase(n: int, amount: int, supplier: str, **fields) -> dict:
    return factories.purchase(f"evt-{n:08d}", amount, supplier=supplier, **(COMPANY | fields))


def registration(n: int, supplier: str, scale: str, **fields) -> dict:
    return factories.registration(f"reg-{n:08d}", supplier, scale, **fields)


class Books:
    def __init__(self, url):
        self.recorder = Recorder(make_engine(url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
        self.engine = self.recorder.engine
        self.offsets = {t: itertools.count() for t in (PURCHASES, SUPPLIERS, TARGETS)}
        self.sent: list[Record] = []

    def send(self, topic, *values):
        records = [Record(topic, 0, next(self.offsets[topic]), json.dumps(v).encode()) for v in values]
        self.sent += records
        return records

    def purchases(self, *docs):
        return self.recorder.book_purchases(self.send(PURCHASES, *docs))

    def suppliers(self, *docs):
        return self.recorder.register_suppliers(self.send(SUPPLIERS, *docs))

    def targets(self, doc):
        events = [ev.model_dump(mode="json") for ev in events_from_document(doc)]
        return self.recorder.register_targets(self.send(TARGETS, *events))

    def evaluate(self, now=NOW) -> list[tuple]:
        # The compliance alerts raised (registry alerts, with no status, are read from their table).
        return [(a["program_id"], a["buyer_id"], a["period"], a["status"]) for a in self.recorder.evaluate(now)
                if "status" in a]

    def standing(self, program, buyer, period) -> Standing:
        from sqlalchemy.orm import Session

        with Session(self.engine) as s:
            return s.get(Standing, (program, buyer, period))

    def alerts(self) -> list[tuple]:
        from sqlalchemy.orm import Session

        with Session(self.engine) as s:
            return [(a.buyer_id, a.period, a.status) for a in s.scalars(select(Alert).order_by(Alert.id))]


@pytest.fixture
def books(tmp_path):
    url = f"sqlite:///{tmp_path / 'books.db'}"
    migrate(url)
    b = Books(url)
    b.suppliers(registration(1, "UMKM-1", "mikro"), registration(2, "BIG-1", "besar"),
                registration(3, "LUAR-1", "kecil", region="3275"))
    return b


def test_a_company_below_30_percent_gets_one_breach_and_one_recovered(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 2_999, "UMKM-1"), purchase(2, 7_001, "BIG-1"))
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "breach")]
    assert books.evaluate() == []
    books.purchases(purchase(3, 1, "UMKM-1", at="2024-03-30T10:00:00+07:00"))  # 3,000 of 10,001 is short
    assert books.evaluate() == []
    books.purchases(purchase(4, 2, "UMKM-1", at="2024-03-30T11:00:00+07:00"))  # 3,002 of 10,003: 30.01%
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "recovered")]
    assert books.alerts() == [("co-3216-mall", "2024-Q1", "breach"), ("co-3216-mall", "2024-Q1", "recovered")]


def test_exactly_30_percent_is_met(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 3_000, "UMKM-1"), purchase(2, 7_000, "BIG-1"))
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "met")]
    s = books.standing("alokasi-30-3216", "co-3216-mall", "2024-Q1")
    assert (s.actual, s.required, s.shortfall, s.share_bp, s.grade) == (3_000, 3_000, 0, 3000, "A")


def test_redelivered_records_and_repeated_targets_raise_no_new_alert(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 1_000, "UMKM-1"), purchase(2, 9_000, "BIG-1"))
    assert len(books.evaluate()) == 1
    for topic in (PURCHASES, SUPPLIERS, TARGETS):  # the whole history again, as after a rebalance
        again = [r for r in books.sent if r.topic == topic]
        fn = {PURCHASES: books.recorder.book_purchases, SUPPLIERS: books.recorder.register_suppliers,
              TARGETS: books.recorder.register_targets}[topic]
        assert fn(again).skipped == len(again)
    books.targets(SHARE_30)  # the same file applied again: duplicates
    books.purchases(purchase(1, 1_000, "UMKM-1"))  # re-sent by the buyer: a duplicate
    assert books.evaluate() == []
    assert len(books.alerts()) == 1


def test_a_supplier_from_another_region_does_not_count_for_a_local_program(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 5_000, "LUAR-1"), purchase(2, 5_000, "BIG-1"))
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "breach")]


def test_a_late_registration_makes_earlier_purchases_count_and_recovers(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 4_000, "NEW-1"), purchase(2, 6_000, "BIG-1"))
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "breach")]
    books.suppliers(registration(9, "NEW-1", "kecil", valid_from="2024-01-01"))
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "recovered")]


def test_no_alarm_within_the_grace_days_of_an_open_period(books):
    books.targets(SHARE_30)
    books.purchases(purchase(1, 100, "UMKM-1", at="2024-04-02T10:00:00+07:00"),
                    purchase(2, 9_900, "BIG-1", at="2024-04-02T10:00:00+07:00"))
    assert books.evaluate(datetime(2024, 4, 5, tzinfo=timezone.utc)) == []
    assert books.evaluate(MID_Q2) == [("alokasi-30-3216", "co-3216-mall", "2024-Q2", "breach")]


def test_bebeli_sums_every_agency_of_the_region_against_one_amount(books):
    books.targets(BEBELI)
    books.purchases(purchase(1, 2_000, "UMKM-1", buyer="opd-3216-a", kind="agency"),
                    purchase(2, 3_000, "UMKM-1", buyer="opd-3216-b", kind="agency"),
                    purchase(3, 9_000, "BIG-1", buyer="opd-3216-b", kind="agency"),
                    purchase(4, 50_000, "UMKM-1"))  # a company: not in Bebeli
    # In May the pace (5,000 by 20 May) ends the year above 10,000: on track, no status yet.
    assert books.evaluate(MID_Q2) == []
    assert books.evaluate() == [("bebeli-3216-2024", "*", "2024", "breach")]
    s = books.standing("bebeli-3216-2024", "*", "2024")
    assert (s.actual, s.total, s.required, s.shortfall, s.grade) == (5_000, 14_000, 10_000, 5_000, "F")


def test_an_amount_target_off_pace_is_at_risk_before_the_year_closes(books):
    books.targets(BEBELI)
    books.purchases(purchase(1, 1_000, "UMKM-1", buyer="opd-3216-a", kind="agency"))
    assert books.evaluate(MID_Q2) == [("bebeli-3216-2024", "*", "2024", "at_risk")]
    books.purchases(purchase(2, 9_000, "UMKM-1", buyer="opd-3216-a", kind="agency"))
    assert books.evaluate(MID_Q2) == [("bebeli-3216-2024", "*", "2024", "recovered")]


def test_the_40_percent_rule_is_each_agency_against_its_own_budget_without_exclusions(books):
    books.targets(RULE_40)
    books.purchases(purchase(1, 30_000, "UMKM-1", buyer="opd-3216-a", kind="agency"),
                    purchase(2, 20_000, "UMKM-1", buyer="opd-3216-a", kind="agency", channel="other"),
                    purchase(3, 15_000, "UMKM-1", buyer="opd-3216-a", kind="agency"),
                    purchase(4, 8_000, "UMKM-1", buyer="opd-3216-nobudget", kind="agency"))
    raised = books.evaluate()
    assert sorted(raised) == [("pp7-40-3216", "opd-3216-a", "2024", "breach"),
                              ("pp7-40-3216", "opd-3216-idle", "2024", "breach")]
    s = books.standing("pp7-40-3216", "opd-3216-a", "2024")
    assert (s.actual, s.base, s.required, s.shortfall, s.share_bp) == (30_000, 100_000, 40_000, 10_000, 3000)
    idle = books.standing("pp7-40-3216", "opd-3216-idle", "2024")
    assert (idle.actual, idle.required, idle.grade) == (0, 20_000, "F")


def test_a_category_exclusion_leaves_out_those_lines_and_follows_reversals(books):
    doc = json.loads(json.dumps(RULE_40))
    doc["program"][0]["exclusions"] = [{"category": "bahan bangunan", "reason": "renovasi"}]
    books.targets(doc)
    lines = [{"description": "semen", "category": "bahan bangunan", "quantity": 10, "unit_price": 2_000},
             {"description": "kue", "category": "makanan", "quantity": 10, "unit_price": 4_000}]
    books.purchases(purchase(1, 60_000, "UMKM-1", buyer="opd-3216-a", kind="agency", lines=lines))
    books.evaluate()
    assert books.standing("pp7-40-3216", "opd-3216-a", "2024").actual == 40_000
    books.purchases(factories.reversal("rev-00000001", "evt-00000001", 30_000, at="2024-03-01T10:00:00+07:00"))
    books.evaluate()
    assert books.standing("pp7-40-3216", "opd-3216-a", "2024").actual == 20_000  # half of each line remains


def test_targets_keys_keep_the_latest_program(books):
    books.targets(SHARE_30)
    stricter = json.loads(json.dumps(SHARE_30))
    stricter["occurred_at"] = "2024-02-01T00:00:00+07:00"
    stricter["program"][0]["threshold"] = {"share_bp": 5000}
    books.targets(stricter)
    books.purchases(purchase(1, 4_000, "UMKM-1"), purchase(2, 6_000, "BIG-1"))
    assert books.evaluate() == [("alokasi-30-3216", "co-3216-mall", "2024-Q1", "breach")]
    assert target_key(events_from_document(stricter)[0]) == "program:alokasi-30-3216"


def test_a_purchase_recorded_after_its_month_closed_is_booked_there_marked_late(books):
    from sqlalchemy.orm import Session

    from ledger.models import Entry

    books.targets(SHARE_30)
    books.purchases(purchase(1, 5_000, "UMKM-1", at="2099-12-31T23:59:00+07:00"),
                    purchase(2, 5_000, "BIG-1"))
    with Session(books.engine) as s:
        late = {e.event_id: (e.period, e.late) for e in s.scalars(select(Entry))}
    assert late == {"evt-00000001": ("2099-12", False), "evt-00000002": ("2024-02", True)}


def test_a_period_that_closes_short_turns_into_a_breach_when_the_clock_passes_its_end(books):
    books.targets(BEBELI)
    books.purchases(purchase(1, 6_000, "UMKM-1", buyer="opd-3216-a", kind="agency", at="2024-05-10T10:00:00+07:00"))
    assert books.evaluate(MID_Q2) == []  # on pace for 10,000 by the end of the year
    just_before = datetime(2024, 12, 31, 16, 59, tzinfo=timezone.utc)  # 23:59 WIB
    assert books.evaluate(just_before) == [("bebeli-3216-2024", "*", "2024", "at_risk")]  # off pace now
    closed = datetime(2024, 12, 31, 17, 0, tzinfo=timezone.utc)  # midnight WIB: 2024 has closed in Bekasi
    assert books.evaluate(closed) == [("bebeli-3216-2024", "*", "2024", "breach")]
    late = books.recorder.evaluate  # a late purchase into the closed year lifts it, and says so
    books.purchases(purchase(2, 4_000, "UMKM-1", buyer="opd-3216-a", kind="agency", at="2024-12-30T10:00:00+07:00"))
    [alert] = late(closed)
    assert (alert["status"], alert["previous"], alert["late"]) == ("recovered", "breach", True)
    assert books.alerts() == [("*", "2024", "at_risk"), ("*", "2024", "breach"), ("*", "2024", "recovered")]
