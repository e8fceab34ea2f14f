"""The national 40% rule without a program file: one built-in program per region with a declared
budget, judged on the UMK value the sources declare, with the verified measure beside it; a
program file replaces it or switches it off."""

from datetime import datetime, timezone

from ledger.rules.eligibility import UNREGISTERED, SupplierClass
from ledger.rules.national import national_programs
from ledger.rules.programs import Bucket, BuyerInfo, figures
from schemas.targets import events_from_document
from tests.factories import RULE_40

NOW = datetime(2026, 12, 8, tzinfo=timezone.utc)
MIKRO, BESAR = SupplierClass("mikro", False, True), SupplierClass("besar", False, True)
NONE = SupplierClass(UNREGISTERED, False, False)
DINAS, PUSKESMAS = "D197-1.02.0.00.0.00.01.0000", "D197-1.02.0.00.0.00.02.0000"


def budget(agency: str, year: int, amount: int, region: str | None = "6100"):
    doc = {"occurred_at": "2025-01-02T09:00:00+07:00",
           "budget": [{"agency_id": agency, "fiscal_year": year, "budget": amount}
                      | ({"region": region} if region else {})]}
    return events_from_document(doc)[0]


def program_file(**changes):
    doc = {**RULE_40, "program": [{**RULE_40["program"][0], **changes}]}
    return events_from_document(doc)[0]


def test_each_region_with_a_budget_gets_the_national_rule_over_its_budget_years():
    [rule] = national_programs([budget(DINAS, 2024, 1), budget(DINAS, 2025, 1), budget(PUSKESMAS, 2025, 1)], [])
    assert (rule.program_id, rule.region, rule.kind, rule.threshold.share_bp) == ("nasional-40-6100", "6100",
                                                                                  "share_of_budget", 4000)
    assert (rule.years.first, rule.years.last, rule.measure) == (2024, 2025, "declared")
    assert "Perpres 12/2021 Pasal 65" in rule.basis
    assert (rule.applies_to.kind, rule.applies_to.region) == ("agency", "6100")


def test_a_budget_without_a_region_places_no_rule():
    assert national_programs([budget(DINAS, 2025, 1, region=None)], []) == []


def test_a_program_file_with_the_same_id_replaces_the_built_in_rule():
    mine = program_file(program_id="nasional-40-6100", region="6100", applies_to={"kind": "agency", "region": "6100"},
                        years={"first": 2025})
    assert national_programs([budget(DINAS, 2025, 1)], [mine]) == []


def test_a_region_that_wrote_its_own_share_of_budget_rule_is_judged_by_it_alone():
    own = program_file()  # pp7-40-3216: the agencies of 3216
    rules = national_programs([budget("opd-3216-a", 2024, 1, region="3216"), budget(DINAS, 2025, 1)], [own])
    assert [r.program_id for r in rules] == ["nasional-40-6100"]


def test_the_rule_is_judged_on_what_the_contracts_declare_and_shows_the_verified_measure_beside_it():
    [rule] = national_programs([budget(DINAS, 2025, 1_000_000)], [])
    buckets = [Bucket(DINAS, "2025-03", "tender", BESAR, 300_000),  # a PT the registry calls large
               Bucket(DINAS, "2025-03", "pengadaan_langsung", MIKRO, 100_000),
               Bucket(DINAS, "2025-04", "tender", NONE, 200_000),  # nobody registered it
               Bucket(DINAS, "2025-03", "tender", NONE, 0, declared=450_000),  # what the contracts declare
               Bucket(DINAS, "2025-03", "other", MIKRO, 50_000),  # grants: not procurement
               Bucket(DINAS, "2025-03", "other", NONE, 0, declared=50_000)]
    fig = figures(rule, buckets, {DINAS: BuyerInfo("agency", "6100")}, {(DINAS, 2025): 1_000_000}, NOW)[(DINAS, "2025")]
    assert (fig.actual, fig.declared, fig.verified) == (450_000, 450_000, 100_000)
    assert (fig.total, fig.registered, fig.budget) == (600_000, 400_000, 1_000_000)


def test_a_program_measured_as_verified_is_judged_on_the_registry():
    rule = program_file()
    assert rule.measure == "verified"
    buckets = [Bucket("opd-3216-a", "2024-03", "tender", MIKRO, 100_000),
               Bucket("opd-3216-a", "2024-03", "tender", NONE, 0, declared=900_000)]
    fig = figures(rule, buckets, {"opd-3216-a": BuyerInfo("agency", "3216")}, {("opd-3216-a", 2024): 1_000_000},
                  NOW)[("opd-3216-a", "2024")]
    assert (fig.actual, fig.verified, fig.declared) == (100_000, 100_000, 900_000)


def test_a_program_file_can_switch_a_program_off_and_its_id_stays_the_same_without_the_new_fields():
    assert program_file(active=False).active is False
    assert program_file().event_id == events_from_document(RULE_40)[0].event_id
    assert program_file(measure="declared").event_id != program_file().event_id
