"""Late judged against the source's own dates (`ledger.rules.lateness`): a record copied later from a
register was imported later; anything else booked after its month closed was sent late."""

import re
from pathlib import Path

import pytest

from ledger.rules.lateness import IMPORTED, REGISTERS, SENT_LATE, late_reason

IMPORTERS = Path(__file__).parents[3] / "streams" / "importers"


@pytest.mark.parametrize("system", ["spse", "ekatalog", "tokodaring", "ocds"])
def test_a_late_record_copied_from_a_register_was_imported_later(system):
    assert late_reason(True, system) == IMPORTED


@pytest.mark.parametrize("system", [None, "template", "simda-bekasi"])
def test_a_late_record_from_the_buyers_own_system_or_spreadsheet_was_sent_late(system):
    assert late_reason(True, system) == SENT_LATE


@pytest.mark.parametrize("system", [None, "spse", "template"])
def test_an_entry_booked_in_its_month_has_no_reason(system):
    assert late_reason(False, system) is None


def test_every_system_kuota_import_writes_is_a_register_but_the_buyers_own_template():
    written = {m for path in IMPORTERS.glob("*.py") for m in re.findall(r'"system": "([a-z0-9_-]+)"', path.read_text())}
    assert written - {"template"} == REGISTERS and "template" in written
