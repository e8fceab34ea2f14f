"""`allocation.planned` on kuota.targets.v1, and the name a declared budget may now carry: what the
models accept and refuse, and that budgets sent before the addition keep their identity."""

import json

import pytest
from pydantic import ValidationError

from ledger.rules.fingerprint import fingerprint
from schemas.allocation import AllocationPlanned
from schemas.decode import Invalid, decode
from schemas.targets import TARGET_EVENT, BudgetDeclared, events_from_document, target_key
from schemas.topics import TARGETS, TOPICS

PACKAGE = {"type": "allocation.planned", "schema_version": 1, "event_id": "sirup-rup:0123456789abcdef",
           "occurred_at": "2024-12-16T14:25:38+07:00", "agency_id": "D197-1.03.0.00.0.00.01.0000",
           "fiscal_year": 2025, "package_id": "53699505", "name": "PENGAWASAN TEKNIS JEMBATAN", "pagu": 1_200_000_000,
           "ukm": False, "reason_non_ukm": "Kompetensi tidak sesuai dengan usaha kecil"}
OFFICER_BUDGET = {"occurred_at": "2025-01-01T00:00:00+07:00", "budget": [
    {"agency_id": "D197-1.01.2.22.0.00.01.0000", "fiscal_year": 2025, "budget": 439625073827, "region": "6100"}]}


def parse(doc: dict):
    return TARGET_EVENT.validate_json(json.dumps(doc))


def test_a_planned_package_parses_with_optional_fields_at_their_defaults():
    ev = parse(PACKAGE)
    assert isinstance(ev, AllocationPlanned)
    assert (ev.excluded, ev.withdrawn, ev.reason_excluded, ev.region, ev.method) == (False, False, None, None, None)
    assert target_key(ev) == "allocation:D197-1.03.0.00.0.00.01.0000:2025:53699505"


@pytest.mark.parametrize("change", [
    {"ukm": True},  # a UKM package with a reason for not being one
    {"reason_excluded": "darurat"},  # a reason for an exclusion that is not there
    {"pagu": 1.5e9}, {"pagu": "1200000000"}, {"pagu": -1}, {"ukm": "ya"}, {"package_id": "53 699"},
    {"name": ""}, {"surprise": 1},
])
def test_a_package_that_says_something_impossible_is_rejected(change):
    assert isinstance(decode("targets", json.dumps(PACKAGE | change).encode()), Invalid)


def test_a_package_without_a_ceiling_yet_and_an_excluded_one_with_its_reason_are_fine():
    ev = parse(PACKAGE | {"pagu": 0, "excluded": True, "reason_excluded": "Belanja tagihan telepon"})
    assert (ev.pagu, ev.excluded, ev.reason_excluded) == (0, True, "Belanja tagihan telepon")
    with pytest.raises(ValidationError):
        ev.pagu = 1


def test_the_targets_topic_carries_planned_packages():
    (topic,) = [t for t in TOPICS if t.name == TARGETS]
    assert "allocation.planned" in topic.events


def test_a_budget_may_carry_its_agencys_name():
    (ev,) = events_from_document({**OFFICER_BUDGET, "budget": [OFFICER_BUDGET["budget"][0] | {"name": "DINAS X"}]})
    assert isinstance(ev, BudgetDeclared) and ev.name == "DINAS X"


def test_a_budget_without_a_name_keeps_the_id_and_fingerprint_it_had_before_names_existed():
    (ev,) = events_from_document(OFFICER_BUDGET)
    # Both computed by the code before `name` was added, for this very entry.
    assert ev.event_id == "budget:D197-1.01.2.22.0.00.01.0000:2025:a4b7afea4e76"
    assert fingerprint(ev) == "9cdc10a737608f6fda8bc9203165f40cb218892db9f17218bef7f518e8650331"
