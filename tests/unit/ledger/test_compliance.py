"""Compliance rules as specifications: eligibility per program, shares, requirements, status, grades,
periods and alerts. Plain values only."""

from datetime import datetime, timedelta, timezone

import pytest

from ledger.rules.compliance import (
    Status,
    applies,
    eligible_amount,
    evaluate,
    grade,
    granularity,
    period_bounds,
    required,
    share_bp,
    shortfall,
    should_alert,
    status,
)
from ledger.rules.eligibility import LAPSED, UNREGISTERED, SupplierClass
from schemas.codes import region_timezone
from schemas.targets import AppliesTo, EligibleSuppliers, ProgramDefined, StatusOptions
from tests.factories import DROP, FORTY, changed, model, target_event

M = 1_000_000
WIB, WITA = region_timezone("3216"), region_timezone("7371")
MET, AT_RISK, BREACH, RECOVERED = Status.MET, Status.AT_RISK, Status.BREACH, Status.RECOVERED

# Programs' supplier rules, as in examples/programs.
UMK_AND_COOPS = EligibleSuppliers(scales=("mikro", "kecil"), cooperatives=True)  # the 40% rule
BEBELI = EligibleSuppliers(scales=("mikro", "kecil", "menengah"), cooperatives=True, local_to_region="3216")


def bucket(scale: str, amount: int, *, coop: bool = False, local: bool = True) -> tuple[SupplierClass, int]:
    return SupplierClass(scale, coop, local), amount


BUCKETS = [
    bucket("mikro", 1 * M), bucket("kecil", 2 * M), bucket("menengah", 4 * M), bucket("besar", 8 * M),
    bucket("besar", 16 * M, coop=True), bucket("mikro", 32 * M, local=False),
    bucket(UNREGISTERED, 64 * M), bucket(LAPSED, 128 * M),
]


# --- eligibility per program -----------------------------------------------------------------------


def test_the_40_percent_rule_counts_micro_small_and_cooperatives_of_any_region_but_not_menengah():
    # mikro 1 + kecil 2 + cooperative (besar) 16 + mikro elsewhere 32
    assert eligible_amount(BUCKETS, UMK_AND_COOPS, "3216") == 51 * M


def test_bebeli_counts_umkm_and_cooperatives_local_to_3216_only():
    # mikro 1 + kecil 2 + menengah 4 + local cooperative 16; the non-local mikro does not count
    assert eligible_amount(BUCKETS, BEBELI, "3216") == 23 * M


def test_unregistered_and_lapsed_never_count_even_for_a_rule_that_lists_every_scale():
    everyone = EligibleSuppliers(scales=("mikro", "kecil", "menengah", "besar"), cooperatives=True)
    assert eligible_amount(BUCKETS, everyone, "3216") == (1 + 2 + 4 + 8 + 16 + 32) * M


def test_a_cooperative_counts_only_when_the_program_counts_cooperatives():
    no_coops = EligibleSuppliers(scales=("mikro", "kecil"))
    assert eligible_amount([bucket("besar", 5 * M, coop=True), bucket("kecil", 1 * M, coop=True)], no_coops,
                           "3216") == 1 * M


def test_a_rule_local_to_another_region_cannot_be_read_from_a_buyers_positions():
    with pytest.raises(ValueError, match="local to 3216"):
        eligible_amount(BUCKETS, BEBELI, "3275")


def test_reversals_net_out_inside_a_bucket_sum():
    assert eligible_amount([bucket("mikro", 5 * M), bucket("mikro", -2 * M)], UMK_AND_COOPS, "3216") == 3 * M


@pytest.mark.parametrize(
    "rule, buyer, expected",
    [(AppliesTo(kind="agency", region="3216"), ("opd-3216-dinkes", "agency", "3216"), True),
     (AppliesTo(kind="agency", region="3216"), ("opd-3275-dinkes", "agency", "3275"), False),
     (AppliesTo(kind="agency", region="3216"), ("co-3216-delta-kimia", "company", "3216"), False),
     (AppliesTo(buyers=("co-3275-patriot-plaza",)), ("co-3275-patriot-plaza", "company", "3275"), True),
     (AppliesTo(buyers=("co-3275-patriot-plaza",)), ("co-3275-mal-rawalumbu", "company", "3275"), False),
     (AppliesTo(region="3674"), ("co-3674-hotel-serpong", "company", "3674"), True)],
)
def test_a_program_applies_to_listed_buyers_and_to_buyers_matching_kind_and_region(rule, buyer, expected):
    assert applies(rule, *buyer) is expected


# --- shares and requirements -----------------------------------------------------------------------


def test_exactly_30_percent_is_met_and_29_99_percent_is_not():
    need = required("share", 3000, total=10_000 * M)
    assert need == 3_000 * M
    assert 3_000 * M >= need
    assert 2_999 * M < need  # 29.99%
    assert 3_000 * M - 1 < need  # one rupiah short


def test_a_share_requirement_is_the_smallest_whole_rupiah_that_satisfies_it():
    # 30% of Rp 10 is Rp 3 exactly; 30% of Rp 11 is Rp 3.3, so Rp 3 is short and Rp 4 meets it.
    assert required("share", 3000, total=10) == 3
    assert required("share", 3000, total=11) == 4
    # The same as the exact comparison eligible * 10000 >= threshold_bp * total, everywhere.
    for total in range(1, 200):
        need = required("share", 3000, total=total)
        for eligible in range(0, total + 1):
            assert (eligible >= need) == (eligible * 10_000 >= 3000 * total)


def test_the_40_percent_rule_requires_a_share_of_the_declared_budget_not_of_the_spend():
    assert required("share_of_budget", 4000, total=1 * M, budget=10_000 * M) == 4_000 * M
    assert required("share_of_budget", 4000, total=0, budget=10_000 * M + 1) == 4_000 * M + 1  # ceiling


def test_a_share_of_budget_without_a_declared_budget_is_refused():
    with pytest.raises(ValueError, match="budget"):
        required("share_of_budget", 4000, total=5 * M)


def test_an_amount_target_is_the_amount_whatever_the_spend():
    assert required("amount", 100_000 * M, total=7 * M) == 100_000 * M


def test_an_unknown_program_kind_is_refused():
    with pytest.raises(ValueError):
        required("shares", 3000, total=10)


def test_share_in_basis_points_rounds_down_so_it_agrees_with_the_requirement():
    assert share_bp(3_000 * M, 10_000 * M) == 3000
    assert share_bp(3_000 * M - 1, 10_000 * M) == 2999  # 29.9999...% is not shown as 30%
    assert share_bp(2, 3) == 6666
    assert share_bp(5, 0) is None


def test_shortfall_is_what_is_missing_and_never_negative():
    assert shortfall(2_999 * M, 3_000 * M) == 1 * M
    assert shortfall(3_500 * M, 3_000 * M) == 0


# --- grades ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, expected",
    [(12_000, "A+"), (11_999, "A"), (10_000, "A"), (9_999, "B"), (9_000, "B"), (8_999, "C"), (8_000, "C"),
     (7_999, "D"), (7_000, "D"), (6_999, "F"), (0, "F"), (50_000, "A+")],
)
def test_grades_follow_the_sba_scorecard_with_exact_boundaries(actual, expected):
    assert grade(actual, 10_000) == expected


def test_120_percent_exactly_is_a_plus_and_a_rupiah_less_is_a():
    goal = 100_000 * M
    assert grade(120_000 * M, goal) == "A+"
    assert grade(120_000 * M - 1, goal) == "A"


def test_no_goal_no_grade():
    assert grade(0, 0) is None


# --- status ------------------------------------------------------------------------------------------

Q1 = period_bounds("2024-Q1", WIB)  # 91 days
YEAR = period_bounds("2024", WIB)
OPTIONS = StatusOptions(grace_days=14, minimum_spend=50 * M)


def day(n: int, bounds=Q1) -> datetime:
    """Noon of day n of a period (day 1 is its first day)."""
    return bounds[0] + timedelta(days=n - 1, hours=12)


def share_status(previous, eligible, total, now, options=OPTIONS):
    need = required("share", 3000, total=total)
    return status(previous, eligible, need, *Q1, now, options, total=total, kind="share")


def amount_status(previous, actual, now, options=StatusOptions(grace_days=0), target=366 * M):
    # 2024 has 366 days: the default target is Rp 1 juta a day.
    return status(previous, actual, target, *YEAR, now, options, total=actual, kind="amount")


def test_met_as_soon_as_the_share_is_reached_even_in_the_grace_days():
    assert share_status(None, 30 * M, 100 * M, day(2)) == MET


def test_no_alarm_in_the_grace_days():
    assert share_status(None, 10 * M, 100 * M, day(14)) is None
    assert share_status(None, 10 * M, 100 * M, day(15)) == BREACH


def test_no_alarm_while_total_spend_is_below_the_minimum():
    assert share_status(None, 0, 50 * M - 1, day(40)) is None
    assert share_status(None, 0, 50 * M, day(40)) == BREACH


def test_a_share_short_after_the_grace_is_a_breach_not_at_risk():
    # A steady pace leaves a share where it is, so short now is short at the end.
    assert share_status(MET, 29 * M, 100 * M, day(60)) == BREACH


def test_breach_after_the_period_closed_short_whatever_the_grace_or_minimum():
    closed = Q1[1]
    assert share_status(None, 1 * M, 10 * M, closed) == BREACH
    assert amount_status(None, 365 * M, YEAR[1], StatusOptions(grace_days=366)) == BREACH


def test_the_first_instant_of_the_next_period_closes_the_period():
    assert amount_status(AT_RISK, 365 * M, YEAR[1] - timedelta(microseconds=1)) == AT_RISK
    assert amount_status(AT_RISK, 365 * M, YEAR[1]) == BREACH


def test_at_risk_when_the_pace_so_far_ends_the_year_short():
    # Rp 1 juta a day: by the end of day 100 the pace needs Rp 100 juta.
    end_of_day_100 = YEAR[0] + timedelta(days=100)
    assert amount_status(None, 100 * M - 1, end_of_day_100) == AT_RISK
    assert amount_status(None, 100 * M, end_of_day_100) is None  # exactly on pace: no alarm


def test_the_margin_raises_at_risk_before_the_pace_is_short():
    end_of_day_100 = YEAR[0] + timedelta(days=100)
    cautious = StatusOptions(grace_days=0, at_risk_margin_bp=1000)  # warn under 110% of the target
    assert amount_status(None, 109 * M, end_of_day_100, cautious) == AT_RISK
    assert amount_status(None, 110 * M, end_of_day_100, cautious) is None


def test_no_at_risk_from_pace_in_the_grace_days_or_below_the_minimum_spend():
    assert amount_status(None, 0, day(30, YEAR), StatusOptions(grace_days=31)) is None
    assert amount_status(None, 1 * M, day(200, YEAR), StatusOptions(grace_days=0, minimum_spend=2 * M)) is None


def test_an_amount_target_not_yet_reached_mid_period_is_not_a_breach():
    assert amount_status(None, 200 * M, day(180, YEAR)) is None


def test_at_risk_stays_while_back_on_pace_and_lifts_when_the_target_is_met():
    assert amount_status(AT_RISK, 250 * M, day(200, YEAR)) == AT_RISK  # on pace again, target not yet met
    assert amount_status(AT_RISK, 366 * M, day(300, YEAR)) == RECOVERED
    assert amount_status(AT_RISK, 300 * M, YEAR[1]) == BREACH


def test_recovered_after_a_breach_and_it_stays_recovered_while_met():
    after_breach = share_status(BREACH, 30 * M, 100 * M, day(50))
    assert after_breach == RECOVERED
    assert share_status(after_breach, 40 * M, 100 * M, day(60)) == RECOVERED
    assert share_status(after_breach, 20 * M, 100 * M, day(70)) == BREACH


def test_a_late_purchase_after_the_close_can_recover_a_breach():
    assert share_status(BREACH, 3 * M, 10 * M, Q1[1] + timedelta(days=5)) == RECOVERED


def test_met_without_a_shortfall_before_is_met_not_recovered():
    assert share_status(MET, 35 * M, 100 * M, day(50)) == MET


def test_a_company_below_30_percent_then_lifted_gets_breach_then_recovered_and_nothing_else():
    history, previous, alerts = [(10 * M, 100 * M), (12 * M, 110 * M), (40 * M, 130 * M), (45 * M, 140 * M)], None, []
    for n, (eligible, total) in enumerate(history):
        new = share_status(previous, eligible, total, day(20 + n))
        if should_alert(previous, new):
            alerts.append(new)
        previous = new if new is not None else previous
    assert alerts == [BREACH, RECOVERED]


def test_an_unknown_kind_is_refused_by_status():
    with pytest.raises(ValueError):
        status(None, 0, 1, *Q1, day(20), OPTIONS, total=100 * M, kind="quota")


# --- alerts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, *Status])
def test_the_same_status_never_alerts_twice(value):
    assert should_alert(value, value) is False


def test_every_change_to_a_status_alerts_once():
    assert should_alert(None, MET)
    assert should_alert(BREACH, RECOVERED)
    assert should_alert(RECOVERED, AT_RISK)
    assert not should_alert(AT_RISK, None)  # no status is never announced


# --- periods -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label, start, end",
    [("2024", (2024, 1, 1), (2025, 1, 1)), ("2024-Q1", (2024, 1, 1), (2024, 4, 1)),
     ("2024-Q4", (2024, 10, 1), (2025, 1, 1)), ("2024-02", (2024, 2, 1), (2024, 3, 1)),
     ("2024-12", (2024, 12, 1), (2025, 1, 1))],
)
def test_periods_start_at_local_midnight_and_end_where_the_next_begins(label, start, end):
    assert period_bounds(label, WIB) == (datetime(*start, tzinfo=WIB), datetime(*end, tzinfo=WIB))


def test_a_year_starts_at_midnight_wib_which_is_17_00_utc_the_day_before():
    start, _ = period_bounds("2024", WIB)
    assert start.astimezone(timezone.utc) == datetime(2023, 12, 31, 17, tzinfo=timezone.utc)


def test_a_quarter_in_wita_starts_an_hour_before_the_same_quarter_in_wib():
    wib, wita = period_bounds("2024-Q2", WIB), period_bounds("2024-Q2", WITA)
    assert wib[0] - wita[0] == timedelta(hours=1)
    assert wita[1].astimezone(timezone.utc) == datetime(2024, 6, 30, 16, tzinfo=timezone.utc)


def test_a_moment_on_new_years_eve_in_utc_belongs_to_the_new_year_in_wib():
    moment = datetime(2024, 12, 31, 18, tzinfo=timezone.utc)  # 01:00 on 1 January 2025 in WIB
    start_2025, _ = period_bounds("2025", WIB)
    _, end_2024 = period_bounds("2024", WIB)
    assert start_2025 <= moment and not moment < end_2024


@pytest.mark.parametrize("label", ["2024-Q5", "2024-13", "2024-00", "24", "2024-3", "2024-Q1-01", ""])
def test_malformed_period_labels_are_refused(label):
    with pytest.raises(ValueError):
        period_bounds(label, WIB)


def test_the_granularity_of_a_label():
    assert [granularity(x) for x in ("2024", "2024-Q3", "2024-07")] == ["year", "quarter", "month"]


# --- one status line ---------------------------------------------------------------------------------


def program(**changes) -> ProgramDefined:
    """The 40% rule of the budget, with no years and 91 days of grace."""
    entry = changed(FORTY, years=DROP, status={"grace_days": 91})
    return model(target_event(entry, "program:pp7-40-3216:test", "2024-01-02T09:00:00+07:00", **changes))


def test_a_status_line_for_the_40_percent_rule_against_the_declared_budget():
    line = evaluate(program(), "2024", actual=38_000 * M, total=90_000 * M, budget=100_000 * M, previous=None,
                    now=datetime(2025, 1, 1, tzinfo=WIB))
    assert (line.status, line.required, line.shortfall, line.share_bp, line.grade) == (
        BREACH, 40_000 * M, 2_000 * M, 3800, "B")


def test_a_status_line_for_an_amount_target_has_no_share():
    bebeli = program(kind="amount", threshold={"amount": 100_000 * M}, scope="combined")
    line = evaluate(bebeli, "2024", actual=120_000 * M, total=200_000 * M, budget=None, previous=AT_RISK,
                    now=datetime(2024, 11, 1, tzinfo=WIB))
    assert (line.status, line.shortfall, line.share_bp, line.grade) == (RECOVERED, 0, None, "A+")


def test_a_status_line_for_a_period_of_another_granularity_is_refused():
    with pytest.raises(ValueError, match="per year"):
        evaluate(program(), "2024-Q1", actual=0, total=0, budget=1, previous=None, now=datetime(2024, 2, 1, tzinfo=WIB))
