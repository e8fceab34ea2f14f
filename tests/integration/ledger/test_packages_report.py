"""Plan against realisation, package by package, on SQLite and PostgreSQL: SIRUP planned packages
beside the e-Katalog orders that name them (`plan_package`), each figure against the test's own
sums: realised (completed orders in force, net of reversals), the part UMK on either basis, pending
beside it, packages with nothing realised, and orders naming a code no plan holds."""

import time
from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from ledger.reports.packages import packages
from ledger.reports.scope import Scope
from tests import factories
from tests.integration.ledger.test_evaluation import TARGETS, Books

pytestmark = pytest.mark.integration

BKPSDM, DINKES = "D107-5.03.5.04.0.00.29.0000", "D107-1.02.0.00.0.00.01.0000"  # Kab. Bandung (3204)


def plan(code: str, pagu: int, *, ukm: bool = True, agency: str = BKPSDM, year: int = 2025, **fields) -> dict:
    """A SIRUP package as `sirup-paket` sends it."""
    return {"type": "allocation.planned", "schema_version": 1, "event_id": f"sirup-rup:{agency[-8:]}{code}{year}",
            "occurred_at": f"{year}-01-15T09:00:00+07:00", "agency_id": agency, "agency_name": "BKPSDM",
            "fiscal_year": year, "package_id": code, "name": f"Paket {code}", "pagu": pagu, "ukm": ukm,
            "region": "3204", "method": "E-Purchasing"} | ({} if ukm else {"reason_non_ukm": "nilai besar"}) | fields


def order(n: int, code: str | None, amount: int, supplier: str, *, status: int = 4, state: str = "completed",
          buyer: str = BKPSDM, day: str = "2025-08-27", **fields) -> dict:
    """An e-Katalog v6 order (`kd_paket` n at status rank `status`) as `ekatalog-v6` sends it."""
    return factories.purchase(f"ekatalog:{n:04d}{status:02d}", amount, buyer=buyer, region="3204", supplier=supplier,
                              at=f"{day}T12:00:00+07:00", channel="e_katalog", state=state,
                              source=("ekatalog", f"PKT-{n}", status), reference=f"PKT-{n}",
                              **({"plan_package": code} if code else {}), **fields)


@pytest.fixture
def books(ledger_url):
    b = Books(ledger_url)
    b.recorder.register_targets(b.send(TARGETS,
        plan("60608395", 30_000_000),  # realised through a small business and a declaration
        plan("60258783", 50_000_000),  # realised in part through a large business
        plan("60639551", 20_000_000),  # nothing ordered but a cancelled order
        plan("60639376", 10_000_000),  # only an order in process
        plan("59621076", 100_000_000, ukm=False),  # not for UKM, realised all the same
        plan("60232150", 5_000_000, ukm=False),  # not for UKM, nothing ordered: not listed
        plan("60000001", 7_000_000, withdrawn=True),  # withdrawn at the source, nothing ordered
        plan("60000002", 9_000_000, excluded=True, reason_excluded="dikecualikan"),
        plan("11111111", 1_000_000, year=2024),  # last year's package, ordered this year
        plan("70000001", 4_000_000, agency=DINKES)))
    b.suppliers(factories.registration("reg-00000001", "sikap:1", "kecil", region="3204", valid_from="2025-01-01"),
                factories.registration("reg-00000002", "sikap:3", "besar", region="3204", valid_from="2025-01-01"))
    time.sleep(0.01)
    b.planned_at = datetime.now(timezone.utc)  # the plans recorded, no order yet
    time.sleep(0.01)
    b.purchases(
        order(1, "60608395", 28_578_060, "sikap:1", status=1, state="pending"),
        order(1, "60608395", 28_578_060, "sikap:1"),  # the same order completed: one order, in force
        order(2, "60608395", 3_000_000, "sikap:9", declared_umk_amount=2_000_000),
        order(3, "60608395", 1_000_000, "sikap:2", status=1, state="pending"),
        order(4, "60258783", 40_000_000, "sikap:3"),
        order(5, "60258783", 6_000_000, "sikap:1"),
        order(6, "60639551", 2_500_000, "sikap:1", status=9, state="void"),
        order(7, "60639376", 5_000_000, "sikap:4", status=1, state="pending"),
        order(8, "59621076", 90_000_000, "sikap:3"),
        order(9, "99999999", 1_200_000, "sikap:1"),  # no plan holds this code
        order(10, "11111111", 800_000, "sikap:1"),
        order(11, None, 4_400_000, "sikap:1"),  # names no package: not in this report
        order(12, "70000001", 3_000_000, "sikap:3", buyer=DINKES, day="2024-12-30"))
    b.purchases(factories.reversal("rev-00000001", order(4, "", 0, "")["event_id"], 10_000_000,
                                   at="2025-09-01T10:00:00+07:00"))
    yield b
    b.engine.dispose()


def lines(books, **filters):
    with Session(books.engine) as s:
        return packages(Scope(s), **filters)


def by_code(found) -> dict:
    return {x.package_id: x for x in found}


def test_each_ukm_package_with_its_realised_orders_and_the_part_umk_on_either_basis(books):
    found = by_code(lines(books, buyer=BKPSDM, year=2025))
    p = found["60608395"]
    assert (p.finding, p.pagu, p.realised, p.orders) == ("realised", 30_000_000, 28_578_060 + 3_000_000, 2)
    assert (p.realised_umk, p.realised_not_umk) == (28_578_060 + 2_000_000, 1_000_000)  # declared: 2 of 3 million
    assert (p.pending, p.pending_orders) == (1_000_000, 1)
    assert [(o.supplier_id, o.supplier_class, o.umk_basis, o.state) for o in p.realising] == [
        ("sikap:1", "kecil", "registry", "completed"), ("sikap:9", "unregistered", "declared", "completed"),
        ("sikap:2", "unregistered", None, "pending")]


def test_a_ukm_package_realised_through_a_supplier_umk_on_neither_basis_is_shown_first(books):
    found = lines(books, buyer=BKPSDM, year=2025)
    p = found[0]
    assert (p.package_id, p.finding) == ("60258783", "not_umk")
    assert (p.realised, p.orders, p.realised_umk, p.realised_not_umk) == (30_000_000 + 6_000_000, 2, 6_000_000,
                                                                          30_000_000)  # less the reversal
    assert {(o.supplier_id, o.supplier_class, o.umk_basis) for o in p.realising} == {
        ("sikap:3", "besar", None), ("sikap:1", "kecil", "registry")}


def test_ukm_packages_with_nothing_realised_yet_say_what_is_pending(books):
    found = by_code(lines(books, buyer=BKPSDM, year=2025))
    cancelled, waiting = found["60639551"], found["60639376"]
    assert (cancelled.finding, cancelled.realised, cancelled.pending, cancelled.realising) == ("not_realised", 0, 0, ())
    assert (waiting.finding, waiting.realised, waiting.pending, waiting.pending_orders) == ("not_realised", 0,
                                                                                           5_000_000, 1)


def test_packages_outside_the_ukm_plan_are_listed_only_with_orders_and_unplanned_codes_apart(books):
    found = by_code(lines(books, buyer=BKPSDM, year=2025))
    assert found["59621076"].finding == "outside_ukm" and found["59621076"].realised == 90_000_000
    assert {"60232150", "60000001", "60000002", "11111111"}.isdisjoint(found)
    unplanned = found["99999999"]
    assert (unplanned.finding, unplanned.package, unplanned.pagu, unplanned.realised) == ("no_plan", None, None,
                                                                                         1_200_000)
    assert set(found) == {"60608395", "60258783", "60639551", "60639376", "59621076", "99999999"}


def test_an_order_of_last_years_package_is_shown_under_that_year(books):
    (last,) = lines(books, buyer=BKPSDM, year=2024)
    assert (last.package_id, last.fiscal_year, last.finding, last.realised) == ("11111111", 2024, "realised", 800_000)


def test_every_agency_and_year_without_filters(books):
    found = lines(books)
    assert [(x.fiscal_year, x.buyer_id) for x in found] == sorted((x.fiscal_year, x.buyer_id) for x in found)
    dinkes = [x for x in found if x.buyer_id == DINKES]
    assert [(x.package_id, x.fiscal_year, x.finding, x.realised) for x in dinkes] == [
        ("70000001", 2025, "not_umk", 3_000_000)]  # ordered on 30 December 2024 against the 2025 plan
    assert sum(x.realised for x in found) == 31_578_060 + 36_000_000 + 90_000_000 + 1_200_000 + 800_000 + 3_000_000


def test_a_later_registration_moves_an_order_onto_the_registrys_basis(books):
    books.suppliers(factories.registration("reg-00000003", "sikap:3", "kecil", region="3204", valid_from="2025-01-01",
                                           at="2025-10-01T08:00:00+07:00"))
    p = by_code(lines(books, buyer=BKPSDM, year=2025))["60258783"]
    assert (p.finding, p.realised_umk) == ("realised", 36_000_000)


def test_as_of_before_the_orders_every_ukm_package_had_nothing_realised(books):
    with Session(books.engine) as s:
        then = packages(Scope(s, books.planned_at))
        before = packages(Scope(s, datetime(2000, 1, 1, tzinfo=timezone.utc)))
    assert {(x.package_id, x.finding, x.realised, x.pending) for x in then if x.buyer_id == BKPSDM} == {
        (code, "not_realised", 0, 0) for code in ("60608395", "60258783", "60639551", "60639376", "11111111")}
    assert before == []  # nor any plan yet
