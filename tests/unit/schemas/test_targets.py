"""Targets on `kuota.targets.v1` as specifications: what the models accept and refuse, and the officer
files in examples/programs turned into events."""

import json
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.targets import TARGET_EVENT, BudgetDeclared, ProgramDefined, events_from_document, target_key
from streams.tools.demo_data import MIN_PURCHASES, MIN_SUPPLIERS, generate
from tests import factories
from tests.factories import DROP, target_event

EXAMPLES = Path(__file__).parents[3] / "examples" / "programs"


def program(**changes) -> dict:
    entry = factories.program(name="Alokasi 30 persen untuk UMKM dan koperasi", years=DROP,
                              exclusions=[{"channel": "other", "reason": "bukan belanja pengadaan"}],
                              status={"grace_days": 14, "minimum_spend": 50_000_000})
    return target_event(entry, "program:alokasi-30-3216:0001", "2024-01-02T09:00:00+07:00", **changes)


def budget(**changes) -> dict:
    entry = factories.budget("opd-3216-dinkes", 2024, 70_000_000_000, region="3216")
    return target_event(entry, "budget:opd-3216-dinkes:2024:0001", "2024-01-15T09:00:00+07:00", **changes)


def parse(event: dict):
    """As a worker would: from the JSON bytes on the topic."""
    return TARGET_EVENT.validate_json(json.dumps(event))


# --- valid events ------------------------------------------------------------------------------------


def test_a_share_program_parses_into_frozen_values():
    event = parse(program())
    assert isinstance(event, ProgramDefined)
    assert event.threshold.share_bp == 3000 and event.threshold.amount is None
    assert event.exclusions[0].reason == "bukan belanja pengadaan"
    assert isinstance(event.exclusions, tuple) and isinstance(event.eligible.scales, tuple)
    with pytest.raises(ValidationError):
        event.name = "lain"


def test_an_amount_program_and_a_share_of_budget_program_parse():
    bebeli = parse(program(program_id="bebeli-3216-2024", kind="amount", scope="combined", period="year",
                           threshold={"amount": 100_000_000_000}, applies_to={"kind": "agency", "region": "3216"},
                           years={"first": 2024, "last": 2024}))
    forty = parse(program(program_id="pp7-40-3216", kind="share_of_budget", period="year",
                          threshold={"share_bp": 4000}, eligible={"scales": ["mikro", "kecil"], "cooperatives": True}))
    assert (bebeli.threshold.amount, bebeli.scope, bebeli.years.last) == (100_000_000_000, "combined", 2024)
    assert (forty.kind, forty.eligible.local_to_region) == ("share_of_budget", None)


def test_status_options_have_documented_defaults():
    options = parse(program(status=DROP)).status
    assert (options.grace_days, options.minimum_spend, options.at_risk_margin_bp) == (7, 0, None)


def test_a_budget_parses():
    event = parse(budget())
    assert isinstance(event, BudgetDeclared)
    assert (event.agency_id, event.fiscal_year, event.budget) == ("opd-3216-dinkes", 2024, 70_000_000_000)


def test_buyers_may_be_listed_by_id_without_kind_or_region():
    event = parse(program(applies_to={"buyers": ["co-3216-delta-kimia", "co-3216-sinar-baja"]}))
    assert event.applies_to.buyers == ("co-3216-delta-kimia", "co-3216-sinar-baja")


def test_compaction_keys_name_the_program_or_the_agency_and_year():
    assert target_key(parse(program())) == "program:alokasi-30-3216"
    assert target_key(parse(budget())) == "budget:opd-3216-dinkes:2024"


# --- money and shares are integers -------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [{"amount": 100_000_000_000.0}, {"amount": "100000000000"}])
def test_a_float_or_string_amount_is_rejected(threshold):
    with pytest.raises(ValidationError):
        parse(program(kind="amount", period="year", threshold=threshold))


@pytest.mark.parametrize("share", [3000.0, 30.0, 0.3, "3000", 0, 10_001, True])
def test_a_share_is_whole_basis_points_from_1_to_10000(share):
    with pytest.raises(ValidationError):
        parse(program(threshold={"share_bp": share}))


@pytest.mark.parametrize("value", [70_000_000_000.0, "70000000000", 0, -1])
def test_a_budget_is_a_positive_whole_rupiah(value):
    with pytest.raises(ValidationError):
        parse(budget(budget=value))


@pytest.mark.parametrize("field, value", [("minimum_spend", 50_000_000.0), ("grace_days", 14.0),
                                          ("at_risk_margin_bp", 500.5)])
def test_status_options_take_no_floats(field, value):
    with pytest.raises(ValidationError):
        parse(program(kind="amount", period="year", threshold={"amount": 1}, status={field: value}))


# --- unknown and contradictory fields ----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"target": 3000}, {"threshold": {"share_bp": 3000, "percent": 30}},
     {"eligible": {"scales": ["mikro"], "local": True}}, {"applies_to": {"kind": "company", "regions": ["3216"]}},
     {"status": {"grace": 14}}, {"exclusions": [{"channel": "other", "reason": "x", "note": "y"}]}],
)
def test_unknown_fields_are_rejected_at_every_level(changes):
    with pytest.raises(ValidationError):
        parse(program(**changes))


def test_an_unknown_field_on_a_budget_is_rejected():
    with pytest.raises(ValidationError):
        parse(budget(pagu=70_000_000_000))


@pytest.mark.parametrize("exclusion", [{"channel": "other"}, {"channel": "other", "reason": ""},
                                       {"channel": "other", "reason": "   "}])
def test_an_exclusion_without_a_reason_is_rejected(exclusion):
    with pytest.raises(ValidationError):
        parse(program(exclusions=[exclusion]))


@pytest.mark.parametrize("exclusion", [{"reason": "kosong"}, {"channel": "other", "category": "jasa", "reason": "dua"}])
def test_an_exclusion_names_exactly_one_channel_category_or_purchase(exclusion):
    with pytest.raises(ValidationError):
        parse(program(exclusions=[exclusion]))


@pytest.mark.parametrize(
    "changes, message",
    [({"kind": "amount"}, "threshold.amount"),
     ({"threshold": {"amount": 1_000_000}}, "threshold.amount"),
     ({"threshold": {"amount": 1_000_000, "share_bp": 3000}}, "exactly one"),
     ({"kind": "share_of_budget"}, "period = year"),
     ({"kind": "share_of_budget", "period": "year", "scope": "combined"}, "per buyer"),
     ({"status": {"at_risk_margin_bp": 500}}, "at_risk_margin_bp"),
     ({"applies_to": {"kind": "company", "region": "3275"}}, "local_to_region"),
     ({"applies_to": {}}, "buyer kind or a region"),
     ({"eligible": {"scales": [], "cooperatives": False}}, "at least one scale"),
     ({"years": {"first": 2025, "last": 2024}}, "before first"),
     ({"eligible": {"scales": ["unregistered"]}}, "scales"),
     ({"period": "week"}, "period")],
)
def test_contradictions_are_rejected_with_a_readable_reason(changes, message):
    with pytest.raises(ValidationError, match=message):
        parse(program(**changes))


@pytest.mark.parametrize("program_id", ["Bebeli-3216", "ab", "bebeli_3216", "-bebeli", "x" * 41])
def test_a_program_id_is_a_short_lowercase_slug(program_id):
    with pytest.raises(ValidationError):
        parse(program(program_id=program_id))


@pytest.mark.parametrize(
    "changes",
    [{"schema_version": 2}, {"schema_version": True}, {"event_id": "short"}, {"event_id": "has space in it"},
     {"occurred_at": "2024-01-02T09:00:00"}, {"occurred_at": 1704160800}, {"type": "program.changed"}],
)
def test_the_common_fields_follow_the_contract(changes):
    with pytest.raises(ValidationError):
        parse(program(**changes))


# --- officer documents -------------------------------------------------------------------------------


def load(name: str) -> dict:
    with open(EXAMPLES / name, "rb") as f:
        return tomllib.load(f)


def test_the_bebeli_file_is_an_amount_target_for_all_3216_agencies_together():
    (bebeli,) = events_from_document(load("bebeli-3216-2024.toml"))
    assert (bebeli.program_id, bebeli.kind, bebeli.scope, bebeli.period) == ("bebeli-3216-2024", "amount",
                                                                              "combined", "year")
    assert bebeli.threshold.amount == 100_000_000_000
    assert (bebeli.applies_to.kind, bebeli.applies_to.region) == ("agency", "3216")
    assert set(bebeli.eligible.scales) == {"mikro", "kecil", "menengah"} and bebeli.eligible.cooperatives
    assert bebeli.eligible.local_to_region == "3216"


def test_the_30_percent_file_is_a_quarterly_share_per_company_local_to_3216():
    (alokasi,) = events_from_document(load("alokasi-30-persen-3216.toml"))
    assert (alokasi.kind, alokasi.scope, alokasi.period, alokasi.threshold.share_bp) == ("share", "per_buyer",
                                                                                         "quarter", 3000)
    assert (alokasi.applies_to.kind, alokasi.eligible.local_to_region, alokasi.eligible.cooperatives) == (
        "company", "3216", True)


def test_the_40_percent_file_counts_micro_small_and_cooperatives_against_the_budget():
    (forty,) = events_from_document(load("aturan-40-persen-3216-2024.toml"))
    assert (forty.kind, forty.period, forty.threshold.share_bp) == ("share_of_budget", "year", 4000)
    assert set(forty.eligible.scales) == {"mikro", "kecil"} and forty.eligible.cooperatives
    assert all(exclusion.reason for exclusion in forty.exclusions)


def test_the_budgets_file_declares_2024_budgets_for_agencies_of_the_demo():
    budgets = events_from_document(load("budgets-3216-2024.toml"))
    demo = generate(purchases=MIN_PURCHASES, suppliers=MIN_SUPPLIERS)
    agencies = {r.key.decode() for r in demo.purchases if r.key.startswith(b"opd-3216-")}
    assert len(budgets) >= 3 and all(isinstance(b, BudgetDeclared) for b in budgets)
    assert {b.agency_id for b in budgets} <= agencies
    assert {b.fiscal_year for b in budgets} == {2024}
    assert len({target_key(b) for b in budgets}) == len(budgets)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_every_example_file_becomes_events_that_survive_the_wire(name):
    events = events_from_document(load(name))
    assert events
    for event in events:
        assert parse(event.model_dump(mode="json")) == event


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.toml")))
def test_applying_the_same_file_twice_sends_the_same_events(name):
    assert events_from_document(load(name)) == events_from_document(load(name))


def test_event_ids_are_derived_from_the_program_and_change_with_its_content():
    doc = load("alokasi-30-persen-3216.toml")
    (before,) = events_from_document(doc)
    doc["program"][0]["threshold"]["share_bp"] = 3500
    (after,) = events_from_document(doc)
    assert before.event_id.startswith("program:alokasi-30-3216:")
    assert after.event_id != before.event_id and target_key(after) == target_key(before)


def test_an_entry_may_carry_its_own_occurred_at():
    doc = load("budgets-3216-2024.toml")
    revised = datetime(2024, 9, 30, 9, tzinfo=timezone(timedelta(hours=7)))
    doc["budget"][0] = {**doc["budget"][0], "budget": 90_000_000_000, "occurred_at": revised}
    first, second = events_from_document(doc)[:2]
    assert first.occurred_at == revised and second.occurred_at == doc["occurred_at"]


def test_a_parsed_yaml_document_works_the_same():
    # PyYAML gives the same shape as tomllib: dicts, lists, aware datetimes.
    doc = {"occurred_at": datetime(2024, 1, 15, 2, tzinfo=timezone.utc),
           "budget": [{"agency_id": "opd-3216-dinkes", "fiscal_year": 2024, "budget": 70_000_000_000}]}
    (event,) = events_from_document(doc)
    assert event.event_id.startswith("budget:opd-3216-dinkes:2024:")


def test_an_agency_id_that_cannot_be_part_of_an_event_id_still_gets_a_stable_one():
    doc = {"occurred_at": "2024-01-15T09:00:00+07:00",
           "budget": [{"agency_id": "Dinas Kesehatan / Kab. Bekasi", "fiscal_year": 2024, "budget": 1}]}
    first, again = events_from_document(doc)[0], events_from_document(doc)[0]
    assert first.event_id == again.event_id and first.event_id.startswith("budget:")


@pytest.mark.parametrize(
    "doc, message",
    [({"budget": [{"agency_id": "opd-3216-dinkes", "fiscal_year": 2024, "budget": 1}]}, "occurred_at"),
     ({"occurred_at": "2024-01-15T09:00:00+07:00",
       "budget": [{"agency_id": "opd-3216-dinkes", "fiscal_year": 2024, "budget": 1, "event_id": "budget:x:1"}]},
      "set by kuota"),
     ({"occurred_at": "2024-01-15T09:00:00+07:00", "budgets": []}, "unknown top-level key 'budgets'"),
     ({"occurred_at": "2024-01-15T09:00:00+07:00", "budget": {"agency_id": "opd-3216-dinkes"}}, r"\[\[budget\]\]"),
     ({"occurred_at": datetime(2024, 1, 15, 9), "budget": [{"agency_id": "a", "fiscal_year": 2024, "budget": 1}]},
      "RFC 3339")],
)
def test_a_bad_document_is_refused_with_where_and_why(doc, message):
    with pytest.raises(ValueError, match=message):
        events_from_document(doc)


def test_every_bad_entry_is_reported_not_only_the_first():
    doc = load("budgets-3216-2024.toml")
    doc["budget"][1]["budget"] = 1.5e11
    doc["budget"][4]["fiscal_year"] = "2024"
    with pytest.raises(ValueError) as refused:
        events_from_document(doc)
    assert "budget #2" in str(refused.value) and "budget #5" in str(refused.value)
