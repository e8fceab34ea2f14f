"""An entry goes to the driver as a tuple built before the batch's transaction: every column of the
entry row is in it, in the order the insert names them (`recorded_at`, one moment for the batch, is
added at the insert), and SQLite gets the text its column types read."""

from datetime import date, datetime, timezone

from ledger.rules.attribution import ENTRY_COLUMNS
import pytest

from ledger.books.purchases import prepare
from ledger.books.intake import Record
from ledger.bulk import values_of
from ledger.models import Entry
from ledger.rules.attribution import original_of, purchase_row, reversal_row
from ledger.rules.fingerprint import fingerprint
from tests.factories import model, purchase, reversal, wire

NOW = datetime(2024, 3, 20, 3, tzinfo=timezone.utc)


def _purchase_row(**fields) -> dict:
    return purchase_row(model(purchase(**fields)), "fp", NOW)


def test_the_insert_names_every_column_of_a_purchase_and_of_a_reversal_row_once_with_recorded_at_apart():
    row = _purchase_row()
    reversed_row = reversal_row(model(reversal()), "fp-r", NOW, original_of(row), 1_000)
    assert len(set(ENTRY_COLUMNS)) == len(ENTRY_COLUMNS) and "recorded_at" not in ENTRY_COLUMNS
    assert {*ENTRY_COLUMNS, "recorded_at"} == set(row) == set(reversed_row)


def test_every_column_but_the_key_is_inserted():
    assert set(ENTRY_COLUMNS) | {"recorded_at", "id"} == set(Entry.__table__.columns.keys())


def test_on_sqlite_moments_are_utc_text_and_days_iso_text_and_the_rest_is_as_it_was():
    row = _purchase_row(at="2024-03-05T10:15:00+07:00", source=("spse", "K-1", 2), declared_umk_amount=5)
    values = dict(zip(ENTRY_COLUMNS, values_of(row, ENTRY_COLUMNS, sqlite=True)))
    assert values["occurred_at"] == "2024-03-05 03:15:00.000000"
    assert values["booked_on"] == "2024-03-05"
    assert (values["source_system"], values["source_key"], values["source_version"]) == ("spse", "K-1", 2)
    assert {k: v for k, v in values.items() if k not in ("occurred_at", "booked_on")} == \
        {k: row[k] for k in ENTRY_COLUMNS if k not in ("occurred_at", "booked_on")}


def test_other_drivers_take_the_values_as_they_are():
    row = _purchase_row()
    values = values_of(row, ENTRY_COLUMNS, sqlite=False)
    assert values == tuple(row[c] for c in ENTRY_COLUMNS)
    assert isinstance(values[ENTRY_COLUMNS.index("booked_on")], date)


LINES = [{"description": "semen", "category": "bahan bangunan", "quantity": 10, "unit_price": 2_000},
         {"description": "kue", "quantity": 5, "unit_price": 4_000}]


@pytest.mark.parametrize("fields", [
    {},
    {"at": "2024-03-31T23:30:00+07:00", "region": "7371", "buyer_name": "Dinas", "reference": "INV-9"},
    {"at": "2024-12-31T16:59:59.123456Z", "region": "9471", "kind": "company", "channel": "kemitraan"},
    {"amount": 40_000, "lines": LINES, "state": "pending"},
    {"source": ("spse", "K-1", 3), "declared_umk_amount": 0, "state": "void"},
])
@pytest.mark.parametrize("sqlite", [True, False])
def test_a_prepared_purchase_is_its_entry_row_as_the_driver_takes_it_and_as_later_records_see_it(fields, sqlite):
    doc = purchase(**fields)
    [p] = prepare([Record("kuota.purchases.v1", 0, 7, wire(doc))], NOW, sqlite=sqlite)
    row = purchase_row(model(doc), fingerprint(model(doc)), NOW)
    assert p.values == values_of(row, ENTRY_COLUMNS, sqlite)
    assert p.original == original_of(row)
