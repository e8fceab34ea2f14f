"""Booking rules against a real SQLite ledger: idempotence, reversals, receipts, late classification."""

import base64
import itertools
import json
from collections import Counter
from datetime import date
from functools import partial

import pytest
from sqlalchemy import select

from ledger.db import make_engine
from ledger.books.intake import Record
from ledger.models import Entry, Position, Receipt, Rejection
from ledger.books.recorder import Recorder
from tests import factories
from tests.factories import DROP, reversal
from tests.integration.helpers import sqlite_ledger

PURCHASES, SUPPLIERS = "kuota.purchases.v1", "kuota.suppliers.v1"
BEKASI, KOTA_BEKASI = "3216", "3275"


# A Dinas Kesehatan of Bekasi buying through e-katalog from supplier S-0001, registered kecil.
purchase = partial(factories.purchase, buyer="B-DINKES", supplier="S-0001", at="2024-03-05T10:00:00+07:00",
                   channel="e_katalog")
registration = partial(factories.registration, supplier="S-0001", scale="kecil")


def bought(*moments: str, **fields) -> list[dict]:
    """Purchases evt-00000001, evt-00000002, ... at these moments, of Rp 1, 2, 4, ... juta: any sum
    of them says which ones it holds."""
    return [purchase(f"evt-{n:08d}", amount=1_000_000 << (n - 1), at=at, **fields)
            for n, at in enumerate(moments, start=1)]


class Ledger:
    """A recorder on a fresh SQLite file, fed as a Kafka consumer would feed it."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.recorder = Recorder(self.engine, epoch="test", retry_delay=0.01, max_delay=0.01)
        self._offsets = {PURCHASES: itertools.count(), SUPPLIERS: itertools.count()}

    def records(self, topic: str, *values) -> list[Record]:
        return [Record(topic, 0, next(self._offsets[topic]), _bytes(v)) for v in values]

    def purchases(self, *values):
        return self.recorder.book_purchases(self.records(PURCHASES, *values))

    def suppliers(self, *values):
        return self.recorder.register_suppliers(self.records(SUPPLIERS, *values))

    def rows(self, model, *order_by) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(model.__table__).order_by(*order_by)).mappings()]

    def entries(self) -> list[dict]:
        return self.rows(Entry, Entry.id)

    def positions(self) -> dict[tuple, int]:
        """Non-empty positions as {(buyer, period, channel, scale, cooperative, local): amount}."""
        return {(p["buyer_id"], p["period"], p["channel"], p["scale"], p["cooperative"], p["local"]): p["amount"]
                for p in self.rows(Position) if p["amount"] or p["entries"]}

    def by_scale(self) -> dict[str, int]:
        totals = Counter()
        for (_, _, _, scale, _, _), amount in self.positions().items():
            totals[scale] += amount
        return {scale: amount for scale, amount in totals.items() if amount}

    def assert_positions_match_entries(self) -> None:
        booked, held = Counter(), Counter()
        for e in self.entries():
            booked[(e["buyer_id"], e["period"])] += e["amount"]
        for p in self.rows(Position):
            held[(p["buyer_id"], p["period"])] += p["amount"]
        assert +held == +booked
        assert sum(p["entries"] for p in self.rows(Position)) == len(self.entries())


def _bytes(value) -> bytes | None:
    return value if isinstance(value, bytes) or value is None else json.dumps(value).encode()


@pytest.fixture
def ledger(tmp_path):
    books = Ledger(sqlite_ledger(tmp_path))
    yield books
    books.engine.dispose()


def outcome(result) -> tuple[int, int, dict]:
    return result.applied, result.duplicate, dict(result.rejected)


# --- idempotence ---------------------------------------------------------------------------------


def test_the_same_event_twice_is_booked_once_and_the_second_is_a_duplicate(ledger):
    event = purchase("evt-00000001", amount=1_250_000)
    assert outcome(ledger.purchases(event)) == (1, 0, {})
    before = ledger.positions()
    assert outcome(ledger.purchases(event)) == (0, 1, {})
    assert [e["amount"] for e in ledger.entries()] == [1_250_000]
    assert ledger.positions() == before
    assert [r["outcome"] for r in ledger.rows(Receipt, Receipt.id)] == ["applied", "duplicate"]


def test_the_same_event_twice_in_one_batch_is_booked_once(ledger):
    event = purchase("evt-00000001")
    assert outcome(ledger.purchases(event, event)) == (1, 1, {})
    assert len(ledger.entries()) == 1
    ledger.assert_positions_match_entries()


def test_the_same_event_id_with_other_content_is_a_conflict_and_the_original_stays(ledger):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    result = ledger.purchases(purchase("evt-00000001", amount=9_000_000))
    assert outcome(result) == (0, 0, {"conflicting_duplicate": 1})
    assert [e["amount"] for e in ledger.entries()] == [1_000_000]
    assert ledger.by_scale() == {"unregistered": 1_000_000}
    [rejection] = ledger.rows(Rejection)
    assert (rejection["reason"], rejection["event_id"]) == ("conflicting_duplicate", "evt-00000001")
    assert json.loads(rejection["raw"])["amount"] == 9_000_000


def test_the_same_payload_with_other_key_order_and_whitespace_is_a_duplicate(ledger):
    event = purchase("evt-00000001", reference="INV-1")
    ledger.purchases(json.dumps(event).encode())
    reordered = {k: (dict(reversed(v.items())) if isinstance(v, dict) else v) for k, v in reversed(event.items())}
    raw = json.dumps(reordered, indent=4).encode() + b"\n\n"
    assert outcome(ledger.purchases(raw)) == (0, 1, {})


def test_redelivered_records_are_skipped_without_a_second_receipt(ledger):
    batch = ledger.records(PURCHASES, purchase("evt-00000001"), b"not json", purchase("evt-00000002"))
    first = ledger.recorder.book_purchases(batch)
    assert (first.received, first.skipped) == (3, 0)
    again = ledger.recorder.book_purchases(batch + ledger.records(PURCHASES, purchase("evt-00000003")))
    assert (again.received, again.skipped, again.applied) == (1, 3, 1)
    assert len(ledger.rows(Receipt)) == 4
    assert len(ledger.rows(Rejection)) == 1
    assert len(ledger.entries()) == 3


def test_a_record_delivered_twice_within_one_batch_gets_one_receipt(ledger):
    [record] = ledger.records(PURCHASES, purchase("evt-00000001"))
    result = ledger.recorder.book_purchases([record, record])
    assert (result.received, result.skipped) == (1, 1)
    assert len(ledger.rows(Receipt)) == 1


# --- reversals -----------------------------------------------------------------------------------


def test_a_partial_then_a_full_remaining_reversal_bring_the_net_to_zero(ledger):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    assert outcome(ledger.purchases(reversal("rev-00000001", "evt-00000001", amount=400_000))) == (1, 0, {})
    assert ledger.by_scale() == {"unregistered": 600_000}
    assert outcome(ledger.purchases(reversal("rev-00000002", "evt-00000001"))) == (1, 0, {})
    assert [e["amount"] for e in ledger.entries()] == [1_000_000, -400_000, -600_000]
    assert ledger.by_scale() == {}
    ledger.assert_positions_match_entries()


@pytest.mark.parametrize("amount", [1_000_001, 5_000_000])
def test_reversing_more_than_the_purchase_is_rejected_and_changes_nothing(ledger, amount):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    before = ledger.positions()
    result = ledger.purchases(reversal("rev-00000001", "evt-00000001", amount=amount))
    assert outcome(result) == (0, 0, {"over_reversal": 1})
    assert [e["amount"] for e in ledger.entries()] == [1_000_000]
    assert ledger.positions() == before


def test_reversing_more_than_what_remains_after_a_partial_reversal_is_rejected(ledger):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000),
                     reversal("rev-00000001", "evt-00000001", amount=700_000))
    result = ledger.purchases(reversal("rev-00000002", "evt-00000001", amount=300_001))
    assert outcome(result) == (0, 0, {"over_reversal": 1})
    assert ledger.by_scale() == {"unregistered": 300_000}


def test_a_full_reversal_of_a_fully_reversed_purchase_is_an_over_reversal(ledger):
    ledger.purchases(purchase("evt-00000001"), reversal("rev-00000001", "evt-00000001"))
    assert outcome(ledger.purchases(reversal("rev-00000002", "evt-00000001"))) == (0, 0, {"over_reversal": 1})
    ledger.assert_positions_match_entries()


def test_two_reversals_in_one_batch_cannot_together_exceed_the_purchase(ledger):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    result = ledger.purchases(reversal("rev-00000001", "evt-00000001", amount=600_000),
                              reversal("rev-00000002", "evt-00000001", amount=600_000))
    assert outcome(result) == (1, 0, {"over_reversal": 1})
    assert ledger.by_scale() == {"unregistered": 400_000}


def test_a_reversal_of_an_unknown_purchase_is_rejected(ledger):
    result = ledger.purchases(reversal("rev-00000001", "evt-99999999"))
    assert outcome(result) == (0, 0, {"unknown_reversal": 1})
    assert ledger.entries() == []


def test_a_reversal_of_a_reversal_is_rejected(ledger):
    ledger.purchases(purchase("evt-00000001"), reversal("rev-00000001", "evt-00000001", amount=100))
    result = ledger.purchases(reversal("rev-00000002", "rev-00000001", amount=50))
    assert outcome(result) == (0, 0, {"invalid_reversal": 1})
    assert len(ledger.entries()) == 2


def test_a_reversal_is_booked_in_the_period_and_class_of_its_purchase(ledger):
    ledger.suppliers(registration("sup-00000001", scale="mikro"))
    ledger.purchases(purchase("evt-00000001", amount=1_000_000, at="2024-03-31T20:00:00+07:00"))
    ledger.purchases(reversal("rev-00000001", "evt-00000001", amount=250_000, at="2024-04-02T09:00:00+07:00"))
    original, refund = ledger.entries()
    assert (refund["period"], refund["booked_on"]) == ("2024-03", date(2024, 3, 31))
    assert refund["occurred_at"].date() == date(2024, 4, 2)
    assert (refund["buyer_id"], refund["supplier_id"]) == (original["buyer_id"], original["supplier_id"])
    assert ledger.positions() == {("B-DINKES", "2024-03", "e_katalog", "mikro", False, True): 750_000}


def test_the_period_is_cut_in_the_buyers_time_zone(ledger):
    ledger.purchases(purchase("evt-00000001", at="2024-03-31T17:30:00Z"),  # 00:30 WIB on 1 April
                     purchase("evt-00000002", at="2024-03-31T16:30:00Z"))  # 23:30 WIB on 31 March
    assert [e["period"] for e in ledger.entries()] == ["2024-04", "2024-03"]


def test_a_purchase_and_its_reversal_in_the_same_batch_both_apply(ledger):
    result = ledger.purchases(purchase("evt-00000001", amount=800_000),
                              reversal("rev-00000001", "evt-00000001", amount=300_000))
    assert outcome(result) == (2, 0, {})
    assert ledger.by_scale() == {"unregistered": 500_000}


def test_a_reversal_before_its_purchase_in_the_batch_is_unknown(ledger):
    result = ledger.purchases(reversal("rev-00000001", "evt-00000001"), purchase("evt-00000001"))
    assert outcome(result) == (1, 0, {"unknown_reversal": 1})


# --- receipts and rejections ---------------------------------------------------------------------


def test_every_record_of_a_mixed_batch_ends_in_exactly_one_receipt(ledger):
    ledger.purchases(purchase("evt-00000009", amount=5_000))
    batch = [
        purchase("evt-00000001"),
        purchase("evt-00000001"),  # duplicate in the batch
        purchase("evt-00000009", amount=6_000),  # conflicts with the booked one
        b"{broken",
        b"\xff\xfe\xfd",
        None,
        purchase("evt-00000002", amount=12.5),
        {**purchase("evt-00000003"), "type": "purchase.deleted"},
        reversal("rev-00000001", "evt-00000001", amount=100),
        reversal("rev-00000002", "evt-77777777"),
        reversal("rev-00000003", "evt-00000009", amount=999_999),
        reversal("rev-00000004", "rev-00000001"),
        b"x" * 1_000_001,
    ]
    result = ledger.purchases(*batch)
    receipts = [r for r in ledger.rows(Receipt, Receipt.offset) if r["offset"] >= 1]
    assert [r["offset"] for r in receipts] == list(range(1, len(batch) + 1))
    assert {r["outcome"] for r in receipts} <= {"applied", "duplicate", "rejected"}
    assert result.applied + result.duplicate + sum(result.rejected.values()) == len(batch)
    assert (result.applied, result.duplicate) == (2, 1)
    assert dict(result.rejected) == {
        "conflicting_duplicate": 1, "invalid_json": 3, "schema_violation": 1, "unknown_type": 1,
        "unknown_reversal": 1, "over_reversal": 1, "invalid_reversal": 1, "too_large": 1,
    }
    rejected = [r for r in receipts if r["outcome"] == "rejected"]
    assert all(r["reason"] for r in rejected) and not any(r["reason"] for r in receipts if r not in rejected)
    assert sorted(r["offset"] for r in ledger.rows(Rejection)) == sorted(r["offset"] for r in rejected)
    ledger.assert_positions_match_entries()


def test_a_rejection_keeps_the_raw_text_and_readable_errors(ledger):
    raw = '{"type": "purchase.recorded", "amount": "satu juta", "catatan": "pembelian ATK"}'.encode()
    ledger.purchases(raw)
    [rejection] = ledger.rows(Rejection)
    assert (rejection["raw"], rejection["raw_encoding"]) == (raw.decode(), "utf-8")
    assert (rejection["topic"], rejection["partition"], rejection["offset"]) == (PURCHASES, 0, 0)
    errors = json.loads(rejection["errors"])
    assert errors and all(isinstance(e, str) for e in errors)
    assert rejection["published_at"] is None


def test_a_rejection_of_bytes_that_are_not_utf8_keeps_them_as_base64(ledger):
    raw = b'{"amount": 1}\xff\xc0\x00'
    ledger.purchases(raw)
    [rejection] = ledger.rows(Rejection)
    assert rejection["raw_encoding"] == "base64"
    assert base64.b64decode(rejection["raw"]) == raw


def test_a_record_without_a_value_is_rejected_not_dropped(ledger):
    assert outcome(ledger.purchases(None)) == (0, 0, {"invalid_json": 1})
    assert ledger.rows(Rejection)[0]["raw"] == ""


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+07:00"])
def test_a_purchase_at_the_edge_of_the_calendar_is_rejected_and_the_batch_goes_on(ledger, at):
    result = ledger.purchases(purchase("evt-00000001", at=at), purchase("evt-00000002"))
    assert (result.applied, sum(result.rejected.values())) == (1, 1)


def test_a_registration_at_the_edge_of_the_calendar_is_rejected_and_the_batch_goes_on(ledger):
    early = {**registration("sup-00000001"), "occurred_at": "0001-01-01T00:00:00+01:00"}
    result = ledger.suppliers(early, registration("sup-00000002", supplier="S-0002"))
    assert (result.applied, sum(result.rejected.values())) == (1, 1)


# --- late and changing classification ------------------------------------------------------------


def test_a_late_registration_moves_earlier_purchases_from_unregistered_to_its_scale(ledger):
    ledger.purchases(*bought("2024-03-05T10:00:00+07:00", "2024-03-10T10:00:00+07:00"),
                     purchase("evt-00000003", amount=4_000_000, supplier="S-OTHER"))
    assert ledger.by_scale() == {"unregistered": 7_000_000}
    assert outcome(ledger.suppliers(registration("sup-00000001", scale="kecil", valid_from="2024-03-01"))) \
        == (1, 0, {})
    assert ledger.by_scale() == {"kecil": 3_000_000, "unregistered": 4_000_000}
    assert ledger.positions()[("B-DINKES", "2024-03", "e_katalog", "kecil", False, True)] == 3_000_000
    ledger.assert_positions_match_entries()


def test_a_late_registration_from_a_later_date_leaves_earlier_purchases_unregistered(ledger):
    ledger.purchases(*bought("2024-03-05T10:00:00+07:00", "2024-03-10T10:00:00+07:00"))
    ledger.suppliers(registration("sup-00000001", scale="mikro", valid_from="2024-03-10"))
    assert ledger.by_scale() == {"unregistered": 1_000_000, "mikro": 2_000_000}


def test_a_late_registration_carries_partial_reversals_along(ledger):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000),
                     reversal("rev-00000001", "evt-00000001", amount=250_000))
    ledger.suppliers(registration("sup-00000001", scale="menengah"))
    assert ledger.by_scale() == {"menengah": 750_000}
    ledger.assert_positions_match_entries()


def test_purchases_after_a_registration_are_booked_in_its_class(ledger):
    ledger.suppliers(registration("sup-00000001", scale="mikro", region=KOTA_BEKASI))
    ledger.purchases(purchase("evt-00000001", amount=500_000))
    assert ledger.positions() == {("B-DINKES", "2024-03", "e_katalog", "mikro", False, False): 500_000}


def test_a_reclassification_moves_only_entries_on_or_after_its_valid_from(ledger):
    ledger.suppliers(registration("sup-00000001", scale="kecil", valid_from="2024-01-01"))
    ledger.purchases(*bought("2024-03-14T23:00:00+07:00", "2024-03-15T00:30:00+07:00", "2024-04-20T10:00:00+07:00"))
    assert ledger.by_scale() == {"kecil": 7_000_000}
    ledger.suppliers(registration("sup-00000002", scale="besar", valid_from="2024-03-15"))
    assert ledger.by_scale() == {"kecil": 1_000_000, "besar": 6_000_000}
    assert ledger.positions() == {
        ("B-DINKES", "2024-03", "e_katalog", "kecil", False, True): 1_000_000,
        ("B-DINKES", "2024-03", "e_katalog", "besar", False, True): 2_000_000,
        ("B-DINKES", "2024-04", "e_katalog", "besar", False, True): 4_000_000,
    }
    ledger.assert_positions_match_entries()


def test_a_correction_with_the_same_valid_from_replaces_the_class(ledger):
    ledger.suppliers(registration("sup-00000001", scale="mikro"))
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    ledger.suppliers(registration("sup-00000002", scale="besar"))
    assert ledger.by_scale() == {"besar": 1_000_000}
    ledger.purchases(purchase("evt-00000002", amount=2_000_000))
    assert ledger.by_scale() == {"besar": 3_000_000}


def test_a_registration_with_capital_only_is_booked_in_the_derived_scale(ledger):
    ledger.suppliers(registration("sup-00000001", profile={"scale": DROP, "capital": 3_000_000_000}))
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    assert ledger.by_scale() == {"kecil": 1_000_000}


def test_a_lapsed_registration_moves_later_purchases_out_of_its_scale(ledger):
    ledger.purchases(*bought("2024-03-31T12:00:00+07:00", "2024-04-01T12:00:00+07:00"))
    ledger.suppliers(registration("sup-00000001", scale="mikro", valid_to="2024-03-31"))
    assert ledger.by_scale() == {"mikro": 1_000_000, "lapsed": 2_000_000}


def test_a_resent_registration_is_a_duplicate_and_moves_nothing_twice(ledger):
    ledger.purchases(purchase("evt-00000001", amount=1_000_000))
    ledger.suppliers(registration("sup-00000001", scale="kecil"))
    assert outcome(ledger.suppliers(registration("sup-00000001", scale="kecil"))) == (0, 1, {})
    assert outcome(ledger.suppliers(registration("sup-00000001", scale="besar"))) \
        == (0, 0, {"conflicting_duplicate": 1})
    assert ledger.by_scale() == {"kecil": 1_000_000}


def test_positions_always_total_the_entries(ledger):
    ledger.purchases(*(purchase(f"evt-{i:08d}", amount=100_000 * i, supplier=f"S-{i % 3}",
                                buyer=f"B-{i % 2}", region=(BEKASI, KOTA_BEKASI)[i % 2],
                                at=f"2024-0{1 + i % 4}-1{i % 10}T10:00:00+07:00") for i in range(1, 13)))
    ledger.assert_positions_match_entries()
    ledger.suppliers(registration("sup-00000001", supplier="S-1", scale="mikro", valid_from="2024-02-01"),
                     registration("sup-00000002", supplier="S-2", scale="besar", region=KOTA_BEKASI))
    ledger.assert_positions_match_entries()
    ledger.purchases(*(reversal(f"rev-{i:08d}", f"evt-{i:08d}", amount=50_000) for i in range(1, 13, 2)),
                     reversal("rev-99999999", "evt-00000004"))
    ledger.assert_positions_match_entries()
    ledger.suppliers(registration("sup-00000003", supplier="S-1", scale="besar", valid_from="2024-03-01"),
                     registration("sup-00000004", supplier="S-0", scale="kecil", valid_to="2024-02-29"))
    ledger.assert_positions_match_entries()
    total = sum(e["amount"] for e in ledger.entries())
    assert sum(ledger.positions().values()) == total == sum(100_000 * i for i in range(1, 13)) - 6 * 50_000 \
        - 400_000


def test_a_different_event_at_an_offset_already_received_stops_the_batch_unbooked(ledger):
    from ledger.errors import OffsetsReused

    ledger.purchases(purchase("evt-00000001"))
    reused = [Record(PURCHASES, 0, 0, json.dumps(purchase("evt-00000999")).encode())]  # offset 0 again
    with pytest.raises(OffsetsReused, match="started again"):
        ledger.recorder.book_purchases(reused)
    again = [Record(PURCHASES, 0, 0, json.dumps(purchase("evt-00000001")).encode())]  # a true redelivery
    assert ledger.recorder.book_purchases(again).skipped == 1
    assert [e["event_id"] for e in ledger.entries()] == ["evt-00000001"]
