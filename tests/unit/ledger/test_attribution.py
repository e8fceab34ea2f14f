"""How an event becomes a ledger row, as specifications on plain values: new, duplicate or
conflicting; how much a reversal may take back; the period, buyer and class a row is booked in."""

from datetime import date, datetime, timedelta, timezone

import orjson
import pytest

from ledger.rules.attribution import (
    Original,
    Refusal,
    Seen,
    conflict,
    original_of,
    purchase_row,
    registration_row,
    reversal_row,
    reversible,
    seen,
)
from ledger.rules.fingerprint import fingerprint
from schemas.codes import RejectReason
from tests.factories import DROP, model, purchase, registration, reversal

UTC = timezone.utc
NOW = datetime(2024, 3, 20, 3, tzinfo=UTC)  # 10:00 WIB on 20 March 2024: March is still open
BEKASI, MAKASSAR, JAYAPURA = "3216", "7371", "9471"  # WIB, WITA, WIT


def booked(amount: int = 1_000_000, *, at: str = "2024-03-05T10:15:00+07:00", **fields) -> Original:
    """What the books remember of purchase evt-00000001 once booked."""
    return original_of(purchase_row(model(purchase(amount=amount, at=at, **fields)), "fp", NOW))


# --- new, duplicate or conflicting ---------------------------------------------------------------


def test_an_event_id_never_kept_is_new():
    assert seen("evt-00000001", "fp-1", {"evt-00000002": "fp-1"}) is Seen.NEW


def test_the_same_event_sent_again_is_a_duplicate():
    first, again = model(purchase()), model(purchase())
    assert seen(again.event_id, fingerprint(again), {first.event_id: fingerprint(first)}) is Seen.DUPLICATE


def test_the_same_event_id_with_other_content_is_a_conflict():
    first, other = model(purchase(amount=1_000_000)), model(purchase(amount=9_000_000))
    assert seen(other.event_id, fingerprint(other), {first.event_id: fingerprint(first)}) is Seen.CONFLICTING


def test_a_conflict_is_refused_with_its_reason_code_and_the_event_id():
    refusal = conflict("evt-00000001")
    assert refusal.reason is RejectReason.CONFLICTING_DUPLICATE and "evt-00000001" in refusal.message


# --- how much a reversal takes back --------------------------------------------------------------


def test_a_reversal_of_a_purchase_never_booked_is_unknown():
    refusal = reversible("evt-99999999", None, None, 0)
    assert isinstance(refusal, Refusal) and refusal.reason is RejectReason.UNKNOWN_REVERSAL
    assert "evt-99999999" in refusal.message


def test_a_reversal_of_a_reversal_is_invalid():
    original = booked()
    earlier = original_of(reversal_row(model(reversal(amount=100)), "fp", NOW, original, 100))
    refusal = reversible("rev-00000001", 50, earlier, 0)
    assert isinstance(refusal, Refusal) and refusal.reason is RejectReason.INVALID_REVERSAL


@pytest.mark.parametrize("requested", [1_000_001, 5_000_000])
def test_reversing_more_than_the_purchase_is_an_over_reversal(requested):
    refusal = reversible("evt-00000001", requested, booked(1_000_000), 0)
    assert isinstance(refusal, Refusal) and refusal.reason is RejectReason.OVER_REVERSAL
    assert "1000000 remains" in refusal.message


def test_a_partial_reversal_then_the_rest_bring_the_purchase_to_nothing():
    original = booked(1_000_000)
    assert reversible("evt-00000001", 400_000, original, 0) == 400_000
    assert reversible("evt-00000001", None, original, 400_000) == 600_000
    assert reversible("evt-00000001", None, original, 1_000_000).reason is RejectReason.OVER_REVERSAL


def test_what_remains_may_be_taken_back_to_the_rupiah_and_not_one_more():
    original = booked(1_000_000)
    assert reversible("evt-00000001", 300_000, original, 700_000) == 300_000
    assert reversible("evt-00000001", 300_001, original, 700_000).reason is RejectReason.OVER_REVERSAL


def test_a_reversal_without_an_amount_takes_all_that_remains():
    assert reversible("evt-00000001", None, booked(1_000_000), 0) == 1_000_000


@pytest.mark.parametrize("requested", [0, -250_000])
def test_a_reversal_of_nothing_or_less_is_refused(requested):
    assert reversible("evt-00000001", requested, booked(), 0).reason is RejectReason.OVER_REVERSAL


# --- the entry of a purchase ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "at, region, day",
    [("2024-03-31T23:30:00+07:00", BEKASI, date(2024, 3, 31)),
     ("2024-03-31T17:30:00Z", BEKASI, date(2024, 4, 1)),  # 00:30 WIB
     ("2024-03-31T16:30:00Z", BEKASI, date(2024, 3, 31)),  # 23:30 WIB
     ("2024-03-31T23:30:00+07:00", MAKASSAR, date(2024, 4, 1)),  # 00:30 WITA
     ("2024-03-31T16:30:00Z", MAKASSAR, date(2024, 4, 1)),
     ("2024-03-31T15:30:00Z", JAYAPURA, date(2024, 4, 1)),  # 00:30 WIT
     ("2024-03-31T14:30:00Z", JAYAPURA, date(2024, 3, 31))],
)
def test_a_purchase_is_booked_on_its_date_in_the_buyers_region(at, region, day):
    row = purchase_row(model(purchase(at=at, region=region)), "fp", NOW)
    assert (row["booked_on"], row["period"]) == (day, f"{day.year}-{day.month:02d}")


def test_a_purchase_row_keeps_who_paid_whom_how_much_and_how():
    event = model(purchase("evt-00000007", 1_250_000, buyer="co-3216-mall", kind="company",
                           supplier="S-0001", channel="kemitraan", reference="INV-7"))
    row = purchase_row(event, "fp-7", NOW)
    assert (row["event_id"], row["fingerprint"], row["kind"]) == ("evt-00000007", "fp-7", "purchase")
    assert (row["buyer_id"], row["region"], row["supplier_id"]) == ("co-3216-mall", BEKASI, "S-0001")
    assert (row["amount"], row["channel"], row["reference"]) == (1_250_000, "kemitraan", "INV-7")
    assert (row["reverses"], row["lines"], row["recorded_at"]) == (None, None, NOW)


def test_the_lines_of_a_purchase_are_kept_as_json_text():
    lines = [{"description": "semen", "category": "bahan bangunan", "quantity": 10, "unit_price": 2_000},
             {"description": "kue", "category": None, "quantity": 10, "unit_price": 4_000}]
    row = purchase_row(model(purchase(amount=60_000, lines=lines)), "fp", NOW)
    assert orjson.loads(row["lines"]) == lines


def test_a_purchase_recorded_once_its_month_has_closed_is_late():
    event = model(purchase(at="2024-03-31T23:30:00+07:00"))
    closes = datetime(2024, 3, 31, 17, tzinfo=UTC)  # midnight WIB
    assert purchase_row(event, "fp", closes - timedelta(microseconds=1))["late"] is False
    assert purchase_row(event, "fp", closes)["late"] is True


def test_a_month_closes_an_hour_earlier_in_a_wita_region():
    event = model(purchase(at="2024-03-31T23:30:00+08:00", region=MAKASSAR))
    assert purchase_row(event, "fp", datetime(2024, 3, 31, 16, tzinfo=UTC))["late"] is True
    assert purchase_row(event, "fp", datetime(2024, 3, 31, 15, 59, tzinfo=UTC))["late"] is False


# --- the entry of a reversal ---------------------------------------------------------------------


def test_a_reversal_takes_back_in_the_buyer_supplier_channel_and_period_of_its_purchase():
    original = booked(at="2024-03-31T20:00:00+07:00", buyer="co-3216-mall", supplier="S-0001", channel="kemitraan")
    event = model(reversal(amount=250_000, at="2024-04-02T09:00:00+07:00", reason="retur"))
    row = reversal_row(event, "fp-r", NOW, original, 250_000)
    assert (row["kind"], row["amount"], row["reverses"], row["note"]) == ("reversal", -250_000, "evt-00000001", "retur")
    assert (row["buyer_id"], row["supplier_id"], row["channel"]) == ("co-3216-mall", "S-0001", "kemitraan")
    assert (row["period"], row["booked_on"]) == ("2024-03", date(2024, 3, 31))
    assert row["occurred_at"] == datetime(2024, 4, 2, 2, tzinfo=UTC)


def test_a_reversal_recorded_after_its_purchases_month_closed_is_late():
    original = booked(at="2024-03-31T20:00:00+07:00")
    event = model(reversal(at="2024-03-31T21:00:00+07:00"))
    assert reversal_row(event, "fp", datetime(2024, 3, 31, 16, tzinfo=UTC), original, 1)["late"] is False
    assert reversal_row(event, "fp", datetime(2024, 4, 2, 2, tzinfo=UTC), original, 1)["late"] is True


# --- the row of a registration -------------------------------------------------------------------


def test_a_declared_scale_is_kept_as_declared():
    row = registration_row(model(registration(scale="menengah", profile={"capital": 0})), "fp", NOW)
    assert (row["scale"], row["scale_derived"]) == ("menengah", False)


@pytest.mark.parametrize(
    "numbers, scale",
    [({"capital": 1_000_000_000}, "mikro"), ({"capital": 3_000_000_000}, "kecil"),
     ({"annual_sales": 15_000_000_001}, "menengah"), ({"capital": 10_000_000_001}, "besar"),
     ({"capital": 20_000_000_000, "annual_sales": 1_000_000_000}, "mikro")],  # sales decide over capital
)
def test_without_a_declared_scale_it_is_derived_by_pp_7_2021_and_marked_so(numbers, scale):
    row = registration_row(model(registration(scale=DROP, profile=numbers)), "fp", NOW)
    assert (row["scale"], row["scale_derived"]) == (scale, True)


def test_a_registration_row_keeps_the_profile_and_its_validity():
    event = model(registration("reg-00000009", "S-0009", "kecil", valid_from="2024-02-01", region="3275",
                               profile={"cooperative": "produsen", "district": "Bekasi Timur"}, valid_to="2024-12-31"))
    row = registration_row(event, "fp-9", NOW)
    assert (row["supplier_id"], row["name"], row["region"], row["district"]) == (
        "S-0009", "Usaha S-0009", "3275", "Bekasi Timur")
    assert (row["cooperative"], row["valid_from"], row["valid_to"]) == (
        "produsen", date(2024, 2, 1), date(2024, 12, 31))
    assert (row["event_id"], row["fingerprint"], row["recorded_at"]) == ("reg-00000009", "fp-9", NOW)
