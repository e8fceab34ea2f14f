"""What a program reads from the books, as specifications on plain values: which buyers it covers,
the figures of each line, the periods begun, excluded lines, and why one entry counts or not."""

from datetime import datetime, timedelta, timezone

import pytest

from ledger.rules.eligibility import LAPSED, UNREGISTERED, SupplierClass
from ledger.rules.programs import (
    ALL,
    Bucket,
    BuyerInfo,
    Figures,
    covered,
    excluded_part,
    figures,
    net_excluded,
    program_base,
    started_periods,
    why,
)
from schemas.targets import events_from_document
from tests.factories import BEBELI, RULE_40, SHARE_30, defined

UTC = timezone.utc
SHARE = events_from_document(SHARE_30)[0]  # 30% of each 3216 company's own spend, per quarter from 2024
AMOUNT = events_from_document(BEBELI)[0]  # Rp 10.000 from all 3216 agencies together, in 2024
OF_BUDGET = events_from_document(RULE_40)[0]  # 40% of each agency's budget in 2024; channel `other` left out

NOW = datetime(2026, 1, 10, tzinfo=UTC)  # every 2024 period has begun and closed
MID_Q2 = datetime(2024, 5, 20, 3, tzinfo=UTC)
YEAR_2024_BEGINS = datetime(2023, 12, 31, 17, tzinfo=UTC)  # midnight WIB

MIKRO, BESAR = SupplierClass("mikro", False, True), SupplierClass("besar", False, True)
MENENGAH, KOPERASI = SupplierClass("menengah", False, True), SupplierClass("besar", True, True)
ELSEWHERE = SupplierClass("mikro", False, False)  # a supplier registered outside the buyer's region

BUYERS = {
    "co-3216-mall": BuyerInfo("company", "3216"), "co-3216-toko": BuyerInfo("company", "3216"),
    "co-3275-plaza": BuyerInfo("company", "3275"),
    "opd-3216-a": BuyerInfo("agency", "3216"), "opd-3216-b": BuyerInfo("agency", "3216"),
}
BUDGETS = {("opd-3216-a", 2024): 100_000, ("opd-3216-b", 2023): 70_000}


def spent(buyer: str, month: str, amount: int, cls: SupplierClass = MIKRO, channel: str = "kemitraan") -> Bucket:
    return Bucket(buyer, month, channel, cls, amount)


def lines(program, *buckets: Bucket, now: datetime = NOW, buyers=BUYERS, budgets=BUDGETS) -> dict:
    """{(buyer, period): (actual, total, budget)} as the program reads it."""
    found = figures(program, list(buckets), buyers, budgets, now)
    return {key: (fig.actual, fig.total, fig.budget) for key, fig in found.items()}


# --- which buyers --------------------------------------------------------------------------------


def test_a_program_covers_the_known_buyers_of_its_kind_and_region():
    assert covered(SHARE, BUYERS) == {"co-3216-mall", "co-3216-toko"}
    assert covered(AMOUNT, BUYERS) == {"opd-3216-a", "opd-3216-b"}


def test_a_buyer_listed_by_id_is_covered_before_the_ledger_knows_it():
    listed = defined(applies_to={"buyers": ["co-3275-plaza", "co-3275-baru"]}, eligible={"scales": ["mikro"]})
    assert covered(listed, BUYERS) == {"co-3275-plaza", "co-3275-baru"}


# --- the figures of each line --------------------------------------------------------------------


def test_a_per_buyer_share_has_a_line_for_each_buyer_and_quarter_with_eligible_and_total_spend():
    assert lines(SHARE, spent("co-3216-mall", "2024-01", 3_000), spent("co-3216-mall", "2024-03", 7_000, BESAR),
                 spent("co-3216-mall", "2024-04", 500), spent("co-3216-toko", "2024-02", 800, ELSEWHERE)) == {
        ("co-3216-mall", "2024-Q1"): (3_000, 10_000, None),
        ("co-3216-mall", "2024-Q2"): (500, 500, None),
        ("co-3216-toko", "2024-Q1"): (0, 800, None),
    }


def test_a_combined_program_sums_every_covered_buyer_into_one_line():
    assert lines(AMOUNT, spent("opd-3216-a", "2024-02", 2_000), spent("opd-3216-b", "2024-07", 3_000),
                 spent("opd-3216-b", "2024-07", 9_000, BESAR)) == {(ALL, "2024"): (5_000, 14_000, None)}


def test_spend_of_buyers_the_program_does_not_cover_is_not_read():
    assert lines(SHARE, spent("co-3275-plaza", "2024-01", 5_000), spent("opd-3216-a", "2024-01", 5_000)) == {}


def test_an_excluded_channel_is_left_out_of_the_eligible_spend_and_the_total():
    assert lines(OF_BUDGET, spent("opd-3216-a", "2024-03", 30_000),
                 spent("opd-3216-a", "2024-03", 20_000, channel="other")) == {
        ("opd-3216-a", "2024"): (30_000, 30_000, 100_000)}


def test_spend_in_years_outside_the_program_is_not_read():
    assert lines(AMOUNT, spent("opd-3216-a", "2023-12", 4_000), spent("opd-3216-a", "2024-01", 1_000),
                 spent("opd-3216-a", "2025-01", 8_000)) == {(ALL, "2024"): (1_000, 1_000, None)}


def test_a_share_without_spend_has_no_line_because_it_has_no_base():
    assert lines(SHARE, spent("co-3216-mall", "2024-01", 5_000), spent("co-3216-mall", "2024-01", -5_000)) == {}


def test_an_amount_target_has_a_line_for_each_covered_buyer_without_spend_once_the_period_began():
    per_buyer = defined(program_id="target-per-opd", kind="amount", threshold={"amount": 1_000},
                        applies_to={"kind": "agency", "region": "3216"}, years={"first": 2024, "last": 2024})
    assert lines(per_buyer, spent("opd-3216-a", "2024-01", 700), now=MID_Q2) == {
        ("opd-3216-a", "2024-Q1"): (700, 700, None), ("opd-3216-a", "2024-Q2"): (0, 0, None),
        ("opd-3216-b", "2024-Q1"): (0, 0, None), ("opd-3216-b", "2024-Q2"): (0, 0, None),
    }


def test_an_amount_target_says_nothing_before_its_first_period_begins():
    assert lines(AMOUNT, now=YEAR_2024_BEGINS - timedelta(microseconds=1)) == {}
    assert lines(AMOUNT, now=YEAR_2024_BEGINS) == {(ALL, "2024"): (0, 0, None)}


def test_a_share_of_budget_line_needs_a_declared_budget_for_that_year():
    # opd-3216-b declared a budget for 2023 only: its 2024 spend has no base.
    assert lines(OF_BUDGET, spent("opd-3216-a", "2024-05", 30_000), spent("opd-3216-b", "2024-05", 8_000)) == {
        ("opd-3216-a", "2024"): (30_000, 30_000, 100_000)}


def test_an_agency_with_a_budget_and_no_spend_is_short_not_absent():
    assert lines(OF_BUDGET) == {("opd-3216-a", "2024"): (0, 0, 100_000)}


# --- the periods a program has begun -------------------------------------------------------------


def test_a_program_without_years_has_no_periods_of_its_own():
    assert started_periods(defined(years=None), NOW) == []


def test_the_periods_begun_by_now_in_the_programs_time_zone():
    assert started_periods(SHARE, MID_Q2) == ["2024-Q1", "2024-Q2"]
    q3_begins = datetime(2024, 6, 30, 17, tzinfo=UTC)  # midnight WIB on 1 July
    assert started_periods(SHARE, q3_begins - timedelta(microseconds=1))[-1] == "2024-Q2"
    assert started_periods(SHARE, q3_begins)[-1] == "2024-Q3"


def test_an_open_ended_program_runs_into_the_current_year_and_a_closed_one_stops_at_its_last():
    assert started_periods(SHARE, datetime(2025, 2, 1, tzinfo=UTC)) == [
        "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert started_periods(AMOUNT, NOW) == ["2024"]


def test_monthly_periods_begin_at_local_midnight_of_the_first():
    monthly = defined(period="month")
    assert started_periods(monthly, datetime(2024, 2, 29, 16, 59, tzinfo=UTC)) == ["2024-01", "2024-02"]
    assert started_periods(monthly, datetime(2024, 2, 29, 17, tzinfo=UTC)) == ["2024-01", "2024-02", "2024-03"]


# --- lines of a purchase a program leaves out ----------------------------------------------------

PURCHASE_LINES = [{"description": "semen", "category": "bahan bangunan", "quantity": 10, "unit_price": 2_000},
                  {"description": "kue", "category": "makanan", "quantity": 10, "unit_price": 4_000},
                  {"description": "ongkir", "quantity": 1, "unit_price": 500}]


def test_the_excluded_part_of_a_purchase_is_its_lines_of_excluded_categories():
    assert excluded_part(60_500, PURCHASE_LINES, {"bahan bangunan"}) == 20_000
    assert excluded_part(60_500, PURCHASE_LINES, {"bahan bangunan", "makanan"}) == 60_000


@pytest.mark.parametrize("purchase_lines, categories", [(None, {"bahan bangunan"}), ([], {"bahan bangunan"}),
                                                        (PURCHASE_LINES, set()), (PURCHASE_LINES, {"alkes"})])
def test_nothing_is_excluded_without_lines_or_without_an_excluded_category(purchase_lines, categories):
    assert excluded_part(60_500, purchase_lines, categories) == 0


def test_after_a_reversal_the_excluded_part_shrinks_in_proportion():
    assert net_excluded(20_000, 60_000, 30_000) == 10_000  # half of the purchase remains, half of each line
    assert net_excluded(20_000, 60_000, 0) == 0


def test_the_excluded_part_after_a_reversal_is_rounded_down_to_the_rupiah():
    assert net_excluded(1, 3, 2) == 0
    assert net_excluded(2, 3, 2) == 1


@pytest.mark.parametrize("excluded, gross", [(0, 60_000), (20_000, 0)])
def test_nothing_is_excluded_from_a_purchase_without_an_excluded_part_or_without_an_amount(excluded, gross):
    assert net_excluded(excluded, gross, 30_000) == 0


# --- what a share is a share of ------------------------------------------------------------------


def test_a_share_is_of_the_total_a_share_of_budget_of_the_budget_and_an_amount_of_nothing():
    fig = Figures(actual=3_000, total=10_000, budget=100_000)
    bases = [program_base(program, fig) for program in (SHARE, OF_BUDGET, AMOUNT)]
    assert bases == [10_000, 100_000, None]


# --- why one entry counts or not -----------------------------------------------------------------


@pytest.mark.parametrize(
    "program, cls, channel, event_id, expected",
    [(OF_BUDGET, MIKRO, "e_katalog", None, (True, "mikro")),
     (OF_BUDGET, KOPERASI, "e_katalog", None, (True, "cooperative")),
     (OF_BUDGET, SupplierClass("kecil", True, True), "e_katalog", None, (True, "kecil")),
     (OF_BUDGET, MENENGAH, "e_katalog", None, (False, "scale_not_counted")),
     (OF_BUDGET, BESAR, "e_katalog", None, (False, "scale_not_counted")),
     (OF_BUDGET, MIKRO, "other", None, (False, "channel_excluded")),
     (OF_BUDGET, MIKRO, "e_katalog", "evt-00000003", (False, "purchase_excluded")),
     (OF_BUDGET, SupplierClass(UNREGISTERED, False, False), "e_katalog", None, (False, "unregistered")),
     (OF_BUDGET, SupplierClass(LAPSED, False, True), "e_katalog", None, (False, "lapsed")),
     (SHARE, ELSEWHERE, "kemitraan", None, (False, "not_local")),
     (OF_BUDGET, ELSEWHERE, "kemitraan", None, (True, "mikro"))],
    ids=["scale", "cooperative", "cooperative-of-a-counted-scale", "menengah", "besar", "channel", "purchase",
         "unregistered", "lapsed", "not-local", "locality-not-asked"],
)
def test_each_entry_says_why_it_counts_for_a_program_or_not(program, cls, channel, event_id, expected):
    assert why(program, cls, channel, event_id) == expected


def test_an_excluded_channel_is_the_reason_before_the_suppliers_registration():
    unregistered = SupplierClass(UNREGISTERED, False, False)
    assert why(OF_BUDGET, unregistered, "other", "evt-00000003") == (False, "channel_excluded")
