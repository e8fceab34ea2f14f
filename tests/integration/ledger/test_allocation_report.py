"""Allocation next to realisation on a real SQLite ledger: declared budgets and planned packages
from the targets topic, realised spend from the books, as an officer reads them."""

import itertools
import json
from datetime import datetime, timezone

import orjson
import pytest
from sqlalchemy.orm import Session

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.books.targets import in_force
from ledger.db import make_engine, migrate
from ledger.reports.allocation import allocation
from ledger.reports.scope import Scope
from schemas.targets import events_from_document
from streams.officers.terminal import build
from tests import factories

PURCHASES, SUPPLIERS, TARGETS = "kuota.purchases.v1", "kuota.suppliers.v1", "kuota.targets.v1"
A, B = "D197-1.03.0.00.0.00.01.0000", "D197-2.08.0.00.0.00.01.0001"
AT = "2025-01-02T09:00:00+07:00"


def package(n: int, agency: str, pagu: int, *, ukm=True, at=AT, **fields) -> dict:
    return {"type": "allocation.planned", "schema_version": 1, "event_id": f"rup-{n:08d}-{pagu}", "occurred_at": at,
            "agency_id": agency, "fiscal_year": 2025, "package_id": str(n), "name": f"Paket {n}", "pagu": pagu,
            "ukm": ukm, "region": "6100"} | fields


def budget(agency: str, amount: int, **fields) -> dict:
    return {"type": "budget.declared", "schema_version": 1, "event_id": f"bud-{agency}"[:64],
            "occurred_at": "2025-01-01T00:00:00+07:00", "agency_id": agency, "fiscal_year": 2025,
            "budget": amount, "region": "6100", "name": "DINAS PUPR"} | fields


def bought(n: int, amount: int, supplier: str, channel="toko_daring", buyer=A) -> dict:
    return factories.purchase(f"evt-{n:08d}", amount, buyer=buyer, region="6100", supplier=supplier,
                              at="2025-03-05T10:00:00+07:00", channel=channel)


class Books:
    def __init__(self, url):
        self.recorder = Recorder(make_engine(url, writer=True), epoch="test", retry_delay=0.01, max_delay=0.01)
        self.offsets = {t: itertools.count() for t in (PURCHASES, SUPPLIERS, TARGETS)}

    def send(self, topic, *values):
        records = [Record(topic, 0, next(self.offsets[topic]), json.dumps(v).encode()) for v in values]
        return {PURCHASES: self.recorder.book_purchases, SUPPLIERS: self.recorder.register_suppliers,
                TARGETS: self.recorder.register_targets}[topic](records)

    def lines(self, as_of=None, **filters):
        with Session(self.recorder.engine) as session:
            return {x.buyer_id: x for x in allocation(Scope(session, as_of), **filters)}


@pytest.fixture
def books(tmp_path):
    url = f"sqlite:///{tmp_path / 'books.db'}"
    migrate(url)
    b = Books(url)
    b.send(SUPPLIERS, factories.registration("reg-00000001", "MIKRO-1", "mikro", region="6100"),
           factories.registration("reg-00000002", "BESAR-1", "besar", region="6100"))
    b.send(TARGETS, budget(A, 1_000_000),
           package(1, A, 300_000), package(2, A, 200_000, ukm=False, reason_non_ukm="Nilai pagu > Rp 15 miliar"),
           package(3, A, 100_000, excluded=True, method="Dikecualikan"), package(4, A, 50_000, withdrawn=True),
           package(5, B, 80_000), package(6, B, 20_000, ukm=False))
    b.send(PURCHASES, bought(1, 150_000, "MIKRO-1"), bought(2, 50_000, "MIKRO-1", channel="other"),
           bought(3, 100_000, "BESAR-1"))
    return b


def test_an_agency_sees_its_budget_planned_ukm_pagu_and_realised_spend_with_their_shares(books):
    a = books.lines()[A]
    assert (a.name, a.budget, a.packages) == ("DINAS PUPR", 1_000_000, 3)
    assert (a.planned_ukm, a.planned_share_bp) == (300_000, 3000)
    # Micro spend counts; grants (channel other) and a large supplier do not, as the 40% rule counts.
    # The national 40% rule covers every agency with a budget (`ledger.rules.national`).
    assert (a.realised, a.realised_share_bp, a.counted_by) == (150_000, 1500, "nasional-40-6100")
    assert [(p.package_id, p.pagu, p.reason) for p in a.non_ukm_packages] == [("2", 200_000, "Nilai pagu > Rp 15 miliar")]
    assert (a.planned_non_ukm, a.excluded) == (200_000, 100_000)
    assert [(p.package_id, p.method) for p in a.excluded_packages] == [("3", "Dikecualikan")]


def test_a_unit_with_packages_and_no_budget_line_has_no_share_not_a_zero(books):
    b = books.lines()[B]
    assert (b.budget, b.planned_share_bp, b.realised_share_bp) == (None, None, None)
    assert (b.planned_ukm, b.planned_non_ukm, b.packages) == (80_000, 20_000, 2)


def test_a_changed_package_replaces_the_earlier_one_and_a_withdrawal_takes_it_out(books):
    books.send(TARGETS, package(1, A, 400_000, at="2025-02-01T09:00:00+07:00"))
    assert books.lines()[A].planned_ukm == 400_000
    books.send(TARGETS, package(1, A, 400_000, at="2025-03-01T09:00:00+07:00", withdrawn=True, event_id="rup-gone-1"))
    assert (books.lines()[A].planned_ukm, books.lines()[A].packages) == (0, 2)


def test_a_share_of_budget_program_in_force_decides_what_realised_spend_counts(books):
    forty = factories.changed(factories.FORTY, program_id="pp-40-6100", region="6100", years={"first": 2025},
                              applies_to={"kind": "agency", "region": "6100"})
    books.send(TARGETS, *[ev.model_dump(mode="json") for ev in events_from_document(factories.document(forty))])
    a = books.lines()[A]
    # This program leaves no channel out: the grant paid to a micro business counts too.
    assert (a.realised, a.realised_share_bp, a.counted_by) == (200_000, 2000, "pp-40-6100")


def test_filters_and_the_past_view(books):
    assert set(books.lines(buyer=B)) == {B}
    assert books.lines(year=2024) == {}
    before = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert books.lines(as_of=before) == {}


def test_packages_stay_out_of_what_the_evaluation_reads(books):
    with Session(books.recorder.engine) as session:
        programs, budgets = in_force(session)
    # No program file: only the built-in national rule, for the region of the declared budget.
    assert ([p.program_id for p in programs], [b.agency_id for b in budgets]) == (["nasional-40-6100"], [A])
    # It judges the one agency with a budget line; the planned packages judge nobody.
    assert {(a["program_id"], a["buyer_id"]) for a in books.recorder.evaluate()} == {("nasional-40-6100", A)}


def test_the_officers_report_in_json_carries_the_packages_and_says_when_there_is_no_budget_line(books):
    with Session(books.recorder.engine) as session:
        report = build(session, "allocation", lang="id", as_of=None, year=2025, buyer=None)
    rows = {r["buyer_id"]: r for r in orjson.loads(orjson.dumps(report.rows))}
    assert rows[A]["budget_line"] is True and rows[B]["budget_line"] is False and rows[B]["budget"] is None
    assert rows[A]["non_ukm_packages"][0]["reason"] == "Nilai pagu > Rp 15 miliar"
    assert rows[B]["non_ukm_reasons"] == "- (1)"
    assert [c.key for c in report.columns][:5] == ["buyer_id", "name", "fiscal_year", "budget_line", "budget"]


def test_the_lkpp_measure_stands_beside_the_verified_realisation(books):
    declared = [bought(7, 400_000, "PT-1", channel="tender") | {"declared_umk_amount": 400_000},
                bought(8, 60_000, "PT-1", channel="other") | {"declared_umk_amount": 60_000}]  # grants: not procurement
    books.send(PURCHASES, *declared)
    a = books.lines()[A]
    assert (a.realised, a.realised_share_bp) == (150_000, 1500)  # the registry's: only MIKRO-1 counts
    assert (a.realised_declared, a.realised_declared_share_bp) == (400_000, 4000)
