"""Contract v1 as specifications: what `schemas.decode` accepts and why it rejects the rest."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from schemas.codes import RejectReason
from schemas.decode import MAX_RECORD_BYTES, Invalid, decode
from schemas.events import PurchaseRecorded, PurchaseReversed, SupplierRegistered
from tests import factories
from tests.factories import DROP, changed


def purchase(**changes) -> dict:
    event = factories.purchase("evt-20240305-0001", 1_250_000, buyer="kab-bekasi-dinkes", buyer_name="Dinas Kesehatan",
                               supplier="9120304050607", reference="INV/2024/03/0001")
    return changed(event, **changes)


def reversal(**changes) -> dict:
    return changed(factories.reversal("rev-20240306-0001", "evt-20240305-0001", at="2024-03-06T09:00:00+07:00"),
                   **changes)


def registration(supplier: dict | None = None, **changes) -> dict:
    event = factories.registration("sup-20240101-0001", "9120304050607", "kecil", name="CV Maju Jaya", profile=supplier)
    return changed(event, **changes)


def decoded(kind: str, event: dict):
    return decode(kind, json.dumps(event).encode())


def rejected_as(reason: RejectReason, kind: str, event: dict) -> bool:
    result = decoded(kind, event)
    return isinstance(result, Invalid) and result.reason == reason and len(result.errors) >= 1


# --- purchase.recorded ---------------------------------------------------------------------------


def test_a_valid_purchase_parses_into_a_frozen_model():
    event = decoded("purchases", purchase())
    assert isinstance(event, PurchaseRecorded)
    assert event.amount == 1_250_000 and type(event.amount) is int
    assert event.buyer.region == "3216"
    assert event.occurred_at == datetime(2024, 3, 5, 3, 15, tzinfo=timezone.utc)
    assert event.occurred_at.utcoffset() == timedelta(hours=7)
    assert event.lines is None


@pytest.mark.parametrize(
    "amount",
    [125000.0, "125000", True, 0, -1, -1_250_000, 10**13 + 1, None, [125000], {"value": 125000}],
    ids=["float", "string", "bool", "zero", "minus-one", "negative", "above-10e13", "null", "list", "object"],
)
def test_a_purchase_amount_that_is_not_an_integer_from_1_to_10e13_is_rejected(amount):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(amount=amount))


def test_a_float_amount_is_rejected_even_written_as_an_exponent():
    raw = json.dumps(purchase()).replace('"amount": 1250000', '"amount": 1.25e6').encode()
    assert b"1.25e6" in raw
    assert decode("purchases", raw).reason == RejectReason.SCHEMA_VIOLATION


@pytest.mark.parametrize("amount", [1, 10**13])
def test_amounts_at_the_edges_of_the_range_are_accepted(amount):
    assert decoded("purchases", purchase(amount=amount)).amount == amount


@pytest.mark.parametrize("field", ["amout", "Amount", "notes"])
def test_an_unknown_top_level_field_is_rejected(field):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(**{field: 1}))


def test_an_unknown_field_inside_the_buyer_is_rejected():
    buyer = {**purchase()["buyer"], "npwp": "01.234.567.8-901.000"}
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(buyer=buyer))


@pytest.mark.parametrize("field", ["type", "schema_version", "event_id", "occurred_at", "buyer", "supplier_id",
                                   "amount", "currency", "channel"])
def test_a_purchase_missing_a_required_field_is_rejected(field):
    assert isinstance(decoded("purchases", purchase(**{field: DROP})), Invalid)


@pytest.mark.parametrize("occurred_at", ["2024-03-05T10:15:00", "2024-03-05", "5 Maret 2024 10:15", ""])
def test_occurred_at_without_an_offset_is_rejected(occurred_at):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(occurred_at=occurred_at))


@pytest.mark.parametrize("occurred_at", ["2024-03-05T03:15:00Z", "2024-03-05T11:15:00+08:00"])
def test_occurred_at_in_utc_or_another_offset_is_the_same_moment(occurred_at):
    assert decoded("purchases", purchase(occurred_at=occurred_at)).occurred_at == datetime(
        2024, 3, 5, 3, 15, tzinfo=timezone.utc
    )


@pytest.mark.parametrize("occurred_at", [1709608500, "1709608500"])
def test_occurred_at_as_a_unix_timestamp_is_rejected(occurred_at):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(occurred_at=occurred_at))


@pytest.mark.parametrize(
    "event_id",
    ["evt-001", "a" * 65, "evt 00001", "evt/00001", "évènement1", "evt-0001\n", "", 12345678],
    ids=["7-chars", "65-chars", "space", "slash", "non-ascii", "trailing-newline", "empty", "number"],
)
def test_an_event_id_outside_8_to_64_allowed_characters_is_rejected(event_id):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(event_id=event_id))


@pytest.mark.parametrize("event_id", ["evt-0001", "a" * 64, "A.b_c:d-9", "01HQ7Z3K9V8M2N4P6R8T0W2Y4A"])
def test_an_event_id_of_8_to_64_allowed_characters_is_accepted(event_id):
    assert decoded("purchases", purchase(event_id=event_id)).event_id == event_id


@pytest.mark.parametrize("region", ["321", "32160", "32a6", "", "٣٢١٦", 3216])
def test_a_buyer_region_that_is_not_4_digits_is_rejected(region):
    buyer = {**purchase()["buyer"], "region": region}
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(buyer=buyer))


@pytest.mark.parametrize("kind", ["Agency", "ministry", ""])
def test_a_buyer_kind_other_than_agency_or_company_is_rejected(kind):
    buyer = {**purchase()["buyer"], "kind": kind}
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(buyer=buyer))


@pytest.mark.parametrize("currency", ["USD", "idr", "Rp", None])
def test_a_currency_other_than_idr_is_rejected(currency):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(currency=currency))


@pytest.mark.parametrize("channel", ["TENDER", "e-katalog", "marketplace"])
def test_a_channel_outside_the_list_is_rejected(channel):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(channel=channel))


def test_a_reference_longer_than_100_characters_is_rejected():
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(reference="x" * 101))


LINES = [
    {"description": "Masker medis", "category": "alkes", "quantity": 100, "unit_price": 2_500},
    {"description": "Sarung tangan", "quantity": 50, "unit_price": 20_000},
]


def test_lines_that_add_up_to_the_amount_are_accepted_as_a_tuple():
    event = decoded("purchases", purchase(amount=1_250_000, lines=LINES))
    assert isinstance(event.lines, tuple) and len(event.lines) == 2
    assert sum(line.quantity * line.unit_price for line in event.lines) == event.amount


@pytest.mark.parametrize("amount", [1_249_999, 1_250_001])
def test_lines_that_do_not_add_up_to_the_amount_are_rejected(amount):
    result = decoded("purchases", purchase(amount=amount, lines=LINES))
    assert result.reason == RejectReason.SCHEMA_VIOLATION
    assert any("1250000" in error for error in result.errors)


@pytest.mark.parametrize(
    "line",
    [{"description": "x", "quantity": 0, "unit_price": 1_250_000},
     {"description": "x", "quantity": 1.0, "unit_price": 1_250_000},
     {"description": "x", "quantity": 1, "unit_price": "1250000"},
     {"description": "x", "quantity": 1, "unit_price": 1_250_000, "sku": "A-1"}],
    ids=["zero-quantity", "float-quantity", "string-price", "unknown-field"],
)
def test_a_malformed_line_is_rejected(line):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(lines=[line]))


def test_an_empty_list_of_lines_does_not_add_up_and_is_rejected():
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(lines=[]))


@pytest.mark.parametrize("version", [True, 1.0])
def test_schema_version_must_be_the_integer_1(version):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(schema_version=version))


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_a_schema_version_other_than_1_is_rejected(version):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(schema_version=version))


# --- purchase.reversed ---------------------------------------------------------------------------


def test_a_reversal_without_an_amount_means_all_that_remains():
    event = decoded("purchases", reversal())
    assert isinstance(event, PurchaseReversed)
    assert event.reverses == "evt-20240305-0001" and event.amount is None


def test_a_reversal_with_an_amount_and_reason_is_partial():
    event = decoded("purchases", reversal(amount=250_000, reason="retur 10 dus"))
    assert (event.amount, event.reason) == (250_000, "retur 10 dus")


@pytest.mark.parametrize("amount", [0, -5, 250000.0, "250000", 10**13 + 1])
def test_a_reversal_amount_that_is_not_a_positive_integer_is_rejected(amount):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", reversal(amount=amount))


def test_a_reversal_carries_no_purchase_fields():
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", reversal(supplier_id="9120304050607"))


def test_a_reversal_without_what_it_reverses_is_rejected():
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", reversal(reverses=DROP))


# --- supplier.registered -------------------------------------------------------------------------


def test_a_valid_registration_parses():
    event = decoded("suppliers", registration())
    assert isinstance(event, SupplierRegistered)
    assert (event.supplier.scale, event.valid_from, event.valid_to) == ("kecil", date(2024, 1, 1), None)


@pytest.mark.parametrize("numbers", [{"capital": 750_000_000}, {"annual_sales": 12_000_000_000},
                                     {"capital": 0, "annual_sales": 0}])
def test_a_supplier_without_a_scale_but_with_capital_or_sales_is_accepted(numbers):
    event = decoded("suppliers", registration(supplier={"scale": DROP, **numbers}))
    assert isinstance(event, SupplierRegistered) and event.supplier.scale is None


@pytest.mark.parametrize("supplier", [{"scale": DROP}, {"scale": None}, {"scale": None, "capital": None}])
def test_a_supplier_with_none_of_scale_capital_or_annual_sales_is_rejected(supplier):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "suppliers", registration(supplier=supplier))


@pytest.mark.parametrize("supplier", [{"scale": "umkm"}, {"cooperative": "kredit"}, {"capital": -1},
                                      {"capital": 1.5e9, "scale": DROP}, {"region": "32"}, {"name": ""}])
def test_a_supplier_with_values_outside_the_codes_is_rejected(supplier):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "suppliers", registration(supplier=supplier))


def test_a_cooperative_of_a_listed_type_is_accepted():
    event = decoded("suppliers", registration(supplier={"cooperative": "simpan_pinjam"}))
    assert event.supplier.cooperative == "simpan_pinjam"


def test_valid_to_before_valid_from_is_rejected():
    event = registration(valid_from="2024-03-01", valid_to="2024-02-29")
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "suppliers", event)


def test_valid_to_on_valid_from_is_a_one_day_registration():
    event = decoded("suppliers", registration(valid_from="2024-03-01", valid_to="2024-03-01"))
    assert event.valid_to == event.valid_from == date(2024, 3, 1)


@pytest.mark.parametrize("valid_from", ["2024-1-1", "01-01-2024", "2024-02-30", ""])
def test_valid_from_that_is_not_a_calendar_date_is_rejected(valid_from):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "suppliers", registration(valid_from=valid_from))


@pytest.mark.parametrize("valid_from", ["2024-01-01T00:00:00", 1704067200])
def test_valid_from_must_be_written_as_yyyy_mm_dd(valid_from):
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "suppliers", registration(valid_from=valid_from))


def test_a_purchase_on_the_supplier_topic_is_not_a_registration():
    assert isinstance(decoded("suppliers", purchase()), Invalid)


# --- models are values ---------------------------------------------------------------------------


def test_events_are_frozen_down_to_nested_objects():
    event = decoded("purchases", purchase(lines=LINES))
    with pytest.raises(ValidationError):
        event.amount = 1
    with pytest.raises(ValidationError):
        event.buyer.region = "3275"
    with pytest.raises(ValidationError):
        event.lines[0].quantity = 1
    with pytest.raises(TypeError):
        event.lines[0] = event.lines[1]
    registered = decoded("suppliers", registration())
    with pytest.raises(ValidationError):
        registered.supplier.scale = "besar"


def test_equal_payloads_give_equal_events():
    assert decoded("purchases", purchase()) == decoded("purchases", purchase())


# --- reason codes --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{not json", b'{"type": "purchase.recorded",', b"", b"\xff\xfe\x00",
                                 None], ids=["garbage", "truncated", "empty", "not-utf8", "no-value"])
def test_bytes_that_are_not_json_are_invalid_json(raw):
    result = decode("purchases", raw)
    assert isinstance(result, Invalid) and result.reason == RejectReason.INVALID_JSON and result.errors


@pytest.mark.parametrize("raw", [b"[]", b'"purchase.recorded"', b"42", b"null"])
def test_json_that_is_not_an_object_is_a_schema_violation(raw):
    assert decode("purchases", raw).reason == RejectReason.SCHEMA_VIOLATION


@pytest.mark.parametrize("type_", ["purchase.deleted", "supplier.registered", "PURCHASE.RECORDED"])
def test_an_unknown_type_on_the_purchase_topic_is_unknown_type(type_):
    assert rejected_as(RejectReason.UNKNOWN_TYPE, "purchases", purchase(type=type_))


def test_a_purchase_without_a_type_is_a_schema_violation():
    assert rejected_as(RejectReason.SCHEMA_VIOLATION, "purchases", purchase(type=DROP))


def test_errors_say_where_the_problem_is():
    result = decoded("purchases", purchase(amount="125000", buyer={**purchase()["buyer"], "region": "32"}))
    assert any("amount" in error for error in result.errors)
    assert any("buyer.region" in error for error in result.errors)


def test_a_record_over_one_million_bytes_is_too_large_without_being_parsed():
    raw = b"{" + b" " * MAX_RECORD_BYTES + b"}"
    assert MAX_RECORD_BYTES == 1_000_000
    result = decode("purchases", raw)
    assert result.reason == RejectReason.TOO_LARGE
    assert str(len(raw)) in result.errors[0]


def test_a_record_of_exactly_one_million_bytes_is_parsed():
    body = json.dumps(purchase()).encode()
    raw = body[:-1] + b" " * (MAX_RECORD_BYTES - len(body)) + b"}"
    assert len(raw) == MAX_RECORD_BYTES
    assert isinstance(decode("purchases", raw), PurchaseRecorded)
