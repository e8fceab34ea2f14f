"""Pure rules: size class by PP 7/2021, class on a date, periods in local time, rupiah as text."""

from datetime import date, datetime, timedelta, timezone

import pytest

from ledger.rules.eligibility import (
    LAPSED,
    UNREGISTERED,
    Classification,
    SupplierClass,
    class_on,
    counts_as_umkm,
    derive_scale,
)
from ledger.rules.money import format_rupiah, share_text
from ledger.rules.periods import local_date, month_of, period_of
from schemas.codes import Scale

M = 1_000_000  # a million rupiah, to keep the PP 7/2021 bounds readable
BEKASI, KOTA_BEKASI, MAKASSAR = "3216", "3275", "7371"


# --- PP 7/2021 size classes ------------------------------------------------------------------------


# Each PP 7/2021 bound is inclusive: (value, class) on and one rupiah past each upper limit.
AT_THE_BOUNDS = {
    "capital": [(0, Scale.MIKRO), (1_000 * M, Scale.MIKRO), (1_000 * M + 1, Scale.KECIL), (5_000 * M, Scale.KECIL),
                (5_000 * M + 1, Scale.MENENGAH), (10_000 * M, Scale.MENENGAH), (10_000 * M + 1, Scale.BESAR)],
    "annual_sales": [(0, Scale.MIKRO), (2_000 * M, Scale.MIKRO), (2_000 * M + 1, Scale.KECIL),
                     (15_000 * M, Scale.KECIL), (15_000 * M + 1, Scale.MENENGAH), (50_000 * M, Scale.MENENGAH),
                     (50_000 * M + 1, Scale.BESAR)],
}


@pytest.mark.parametrize("measure, value, scale", [(m, v, s) for m, cases in AT_THE_BOUNDS.items() for v, s in cases])
def test_capital_and_annual_sales_bounds_are_inclusive_upper_limits(measure, value, scale):
    assert derive_scale(**{measure: value}) == scale


@pytest.mark.parametrize(
    "capital, sales, scale",
    [(20_000 * M, 1_000 * M, Scale.MIKRO), (500 * M, 60_000 * M, Scale.BESAR), (0, 15_000 * M + 1, Scale.MENENGAH)],
)
def test_annual_sales_take_precedence_over_capital(capital, sales, scale):
    assert derive_scale(capital=capital, annual_sales=sales) == scale


def test_a_scale_cannot_be_derived_from_nothing():
    with pytest.raises(ValueError):
        derive_scale()


# --- class on a date -------------------------------------------------------------------------------


def reg(scale="kecil", valid_from=date(2024, 1, 1), valid_to=None, seq=1, region=BEKASI, cooperative=None):
    return Classification(scale, cooperative, region, valid_from, valid_to, seq)


def test_before_any_registration_a_supplier_is_unregistered_and_does_not_count():
    history = [reg(valid_from=date(2024, 3, 1))]
    for cls in (class_on([], date(2024, 3, 5), BEKASI), class_on(history, date(2024, 2, 29), BEKASI)):
        assert cls == SupplierClass(UNREGISTERED, False, False)
        assert not counts_as_umkm(cls)


def test_a_registration_counts_from_its_valid_from_day():
    cls = class_on([reg(valid_from=date(2024, 3, 1))], date(2024, 3, 1), BEKASI)
    assert cls.scale == "kecil" and counts_as_umkm(cls)


def test_a_reclassification_mid_quarter_counts_only_before_the_change():
    history = [reg("kecil", date(2024, 1, 1), seq=1), reg("besar", date(2024, 2, 15), seq=2)]
    assert counts_as_umkm(class_on(history, date(2024, 1, 20), BEKASI))
    assert counts_as_umkm(class_on(history, date(2024, 2, 14), BEKASI))
    assert class_on(history, date(2024, 2, 15), BEKASI).scale == "besar"
    assert not counts_as_umkm(class_on(history, date(2024, 2, 15), BEKASI))
    assert not counts_as_umkm(class_on(history, date(2024, 3, 31), BEKASI))


def test_history_decides_by_valid_from_not_by_arrival():
    # The reclassification arrived first; the original registration was sent late.
    history = [reg("besar", date(2024, 2, 15), seq=1), reg("kecil", date(2024, 1, 1), seq=2)]
    assert class_on(history, date(2024, 2, 1), BEKASI).scale == "kecil"
    assert class_on(history, date(2024, 2, 20), BEKASI).scale == "besar"


def test_a_registration_counts_on_its_valid_to_day_and_lapses_the_day_after():
    history = [reg(valid_from=date(2024, 1, 1), valid_to=date(2024, 3, 31))]
    assert counts_as_umkm(class_on(history, date(2024, 3, 31), BEKASI))
    lapsed = class_on(history, date(2024, 4, 1), BEKASI)
    assert lapsed.scale == LAPSED and not counts_as_umkm(lapsed)


def test_a_renewal_after_a_lapse_counts_again():
    history = [reg(valid_to=date(2024, 3, 31), seq=1), reg(valid_from=date(2024, 5, 1), seq=2)]
    assert class_on(history, date(2024, 4, 15), BEKASI).scale == LAPSED
    assert counts_as_umkm(class_on(history, date(2024, 5, 1), BEKASI))


def test_with_the_same_valid_from_the_later_arrival_corrects_the_earlier():
    first, correction = reg("mikro", seq=7), reg("besar", seq=12)
    day = date(2024, 6, 1)
    assert class_on([first, correction], day, BEKASI).scale == "besar"
    assert class_on([correction, first], day, BEKASI).scale == "besar"


@pytest.mark.parametrize("scale", ["mikro", "kecil", "menengah", "besar"])
def test_a_cooperative_counts_whatever_its_scale(scale):
    cls = class_on([reg(scale, cooperative="produsen")], date(2024, 6, 1), BEKASI)
    assert cls.cooperative and counts_as_umkm(cls)


@pytest.mark.parametrize("scale, counts", [("mikro", True), ("kecil", True), ("menengah", True), ("besar", False)])
def test_umkm_means_mikro_kecil_or_menengah(scale, counts):
    assert counts_as_umkm(class_on([reg(scale)], date(2024, 6, 1), BEKASI)) is counts


def test_a_lapsed_cooperative_does_not_count():
    history = [reg("besar", valid_to=date(2024, 3, 31), cooperative="konsumen")]
    assert not counts_as_umkm(class_on(history, date(2024, 4, 1), BEKASI))


def test_local_means_the_supplier_is_in_the_buyers_region():
    history = [reg(region=BEKASI)]
    assert class_on(history, date(2024, 6, 1), BEKASI).local is True
    assert class_on(history, date(2024, 6, 1), KOTA_BEKASI).local is False


def test_local_follows_the_region_in_force_on_the_date():
    history = [reg(region=KOTA_BEKASI, seq=1), reg(region=BEKASI, valid_from=date(2024, 4, 1), seq=2)]
    assert class_on(history, date(2024, 3, 31), BEKASI).local is False
    assert class_on(history, date(2024, 4, 1), BEKASI).local is True


# --- periods -------------------------------------------------------------------------------------

UTC = timezone.utc


def test_a_purchase_after_17_utc_is_already_the_next_day_in_wib():
    moment = datetime(2024, 3, 31, 17, 30, tzinfo=UTC)  # 00:30 WIB on 1 April
    assert moment.date() == date(2024, 3, 31)
    assert local_date(moment, BEKASI) == date(2024, 4, 1)
    assert local_date(moment - timedelta(hours=1), BEKASI) == date(2024, 3, 31)


def test_the_sender_offset_does_not_change_the_local_date():
    moment = datetime(2024, 4, 1, 5, 30, tzinfo=timezone(timedelta(hours=12)))  # 2024-03-31T17:30Z
    assert local_date(moment, BEKASI) == date(2024, 4, 1)


def test_wita_regions_cut_the_day_an_hour_before_wib():
    moment = datetime(2024, 3, 31, 16, 30, tzinfo=UTC)  # 00:30 WITA, 23:30 WIB
    assert local_date(moment, MAKASSAR) == date(2024, 4, 1)
    assert local_date(moment, BEKASI) == date(2024, 3, 31)


@pytest.mark.parametrize("region", ["5171", "6471", "7171"])
def test_bali_east_kalimantan_and_north_sulawesi_are_wita(region):
    assert local_date(datetime(2024, 3, 31, 16, 30, tzinfo=UTC), region) == date(2024, 4, 1)


def test_west_kalimantan_is_wib():
    assert local_date(datetime(2024, 3, 31, 16, 30, tzinfo=UTC), "6171") == date(2024, 3, 31)


def test_papua_is_wit():
    moment = datetime(2024, 3, 31, 15, 30, tzinfo=UTC)  # 00:30 WIT
    assert local_date(moment, "9471") == date(2024, 4, 1)
    assert local_date(moment, MAKASSAR) == date(2024, 3, 31)


def test_month_of_a_date():
    assert month_of(date(2024, 3, 5)) == "2024-03"
    assert month_of(date(2024, 12, 31)) == "2024-12"


@pytest.mark.parametrize(
    "month, quarter",
    [("2024-01", "2024-Q1"), ("2024-03", "2024-Q1"), ("2024-04", "2024-Q2"), ("2024-09", "2024-Q3"),
     ("2024-10", "2024-Q4"), ("2024-12", "2024-Q4")],
)
def test_months_roll_up_into_quarters(month, quarter):
    assert period_of(month, "quarter") == quarter


def test_months_roll_up_into_years_or_stay_months():
    assert period_of("2024-07", "year") == "2024"
    assert period_of("2024-07", "month") == "2024-07"


def test_an_unknown_granularity_is_an_error():
    with pytest.raises(ValueError):
        period_of("2024-07", "week")


# --- money as text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, text",
    [(1_250_000, "Rp 1.250.000"), (0, "Rp 0"), (999, "Rp 999"), (1_000, "Rp 1.000"),
     (-1_250_000, "-Rp 1.250.000"), (10**13, "Rp 10.000.000.000.000")],
)
def test_rupiah_use_dots_between_thousands(amount, text):
    assert format_rupiah(amount) == text


@pytest.mark.parametrize(
    "numerator, denominator, text",
    [(1, 3, "33,33%"), (2, 3, "66,67%"), (0, 5, "0,00%"), (5, 5, "100,00%"), (2, 5, "40,00%"),
     (1, 32, "3,13%"), (1, 6, "16,67%"), (3, 2, "150,00%")],
)
def test_shares_are_computed_from_integers_and_rounded_half_up(numerator, denominator, text):
    assert share_text(numerator, denominator) == text


def test_shares_of_huge_amounts_are_exact():
    assert share_text(4 * 10**13 - 1, 10**14) == "40,00%"
    assert share_text(4 * 10**13 - 10**9, 10**14) == "40,00%"
    assert share_text(4 * 10**13 - 10**10, 10**14) == "39,99%"


def test_shares_with_other_precision():
    assert share_text(1, 3, places=1) == "33,3%"
    assert share_text(2, 3, places=3) == "66,667%"


def test_a_share_without_decimals_has_no_decimal_comma():
    assert share_text(1, 3, places=0) == "33%"


@pytest.mark.parametrize("denominator", [0, -1])
def test_a_share_of_nothing_is_shown_as_a_dash(denominator):
    assert share_text(5, denominator) == "-"


def test_a_negative_share_reads_as_the_negative_of_the_positive_one():
    assert share_text(-1, 3) == "-33,33%"
