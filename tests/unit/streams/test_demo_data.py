"""The demo dataset: the same bytes for the same seed, a realistic year in size and shape, and every
record meaning what the generator says it means, by the wire models and by the independent oracle."""

import importlib.util
import re
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from schemas.decode import Invalid, decode
from streams.tools.demo_data import APPLIED, DUPLICATE, PURCHASES_TOPIC, SUPPLIERS_TOPIC, generate

YEAR = 2024
HOME = {"3216", "3275", "3674"}
REJECTS = {"invalid_json", "schema_violation", "unknown_reversal", "over_reversal", "conflicting_duplicate"}
EVENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _load_oracle():
    # tests/ is not a package, so the oracle is loaded by path; it must stay free of kuota imports.
    path = Path(__file__).parents[2] / "e2e" / "oracle.py"
    spec = importlib.util.spec_from_file_location("kuota_demo_oracle", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


oracle = _load_oracle()


@pytest.fixture(scope="module")
def data():
    return generate()


@pytest.fixture(scope="module")
def expect(data):
    return oracle.expected(data)


@pytest.fixture(scope="module")
def events(data):
    """Every record that is valid JSON, parsed, with the group and index it came from."""
    parsed = []
    for group in ("suppliers", "purchases", "late_suppliers"):
        for i, rec in enumerate(getattr(data, group)):
            if rec.intent != "invalid_json":
                parsed.append((group, i, rec, orjson.loads(rec.value)))
    return parsed


def _applied(events, kind):
    return [ev for _, _, rec, ev in events if rec.intent == APPLIED and ev.get("type") == kind]


# --- determinism and size ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    first, again = generate(7, purchases=2_000, suppliers=300), generate(7, purchases=2_000, suppliers=300)
    assert first == again
    assert generate(8, purchases=2_000, suppliers=300).purchases != first.purchases


@pytest.mark.parametrize("purchases", [500, 1_234, 40_000])
def test_the_purchase_count_is_the_number_of_purchase_records_of_all_kinds(purchases, data):
    demo = data if purchases == 40_000 else generate(3, purchases=purchases, suppliers=200)
    assert len(demo.purchases) == purchases
    assert {rec.topic for rec in demo.purchases} == {PURCHASES_TOPIC}
    assert {rec.topic for rec in demo.suppliers + demo.late_suppliers} == {SUPPLIERS_TOPIC}


def test_thousands_of_suppliers_of_every_class_in_all_three_regions(events):
    profiles = [ev["supplier"] for ev in _applied(events, "supplier.registered")]
    assert len({p["id"] for p in profiles}) >= 2_000
    assert HOME <= {p["region"] for p in profiles}
    assert {p["scale"] for p in profiles if "scale" in p} == {"mikro", "kecil", "menengah", "besar"}
    assert len({p["cooperative"] for p in profiles if "cooperative" in p}) == 8
    derived = [p for p in profiles if "scale" not in p]
    assert sum("capital" in p for p in derived) > 100 and sum("annual_sales" in p for p in derived) > 100
    assert sum(bool(re.fullmatch(r"\d{13}", p["id"])) for p in profiles) > 0.9 * len(profiles)
    assert {"Cikarang Utara", "Bekasi Timur", "Pamulang"} <= {p.get("district") for p in profiles}


def test_dozens_of_agencies_and_companies_buy_through_every_channel(events):
    purchases = _applied(events, "purchase.recorded")
    buyers = {(p["buyer"]["id"], p["buyer"]["kind"], p["buyer"]["region"]) for p in purchases}
    kinds = Counter(kind for _, kind, _ in buyers)
    assert kinds["agency"] >= 24 and kinds["company"] >= 24
    assert {region for _, _, region in buyers} == HOME
    assert "opd-3216-dinkes" in {buyer for buyer, _, _ in buyers}
    assert {p["channel"] for p in purchases} == {
        "toko_daring", "e_katalog", "tender", "pengadaan_langsung", "kemitraan", "gerai", "other"}
    assert {p["channel"] for p in purchases if p["buyer"]["kind"] == "company"} <= {"kemitraan", "gerai", "other"}


def test_purchases_cover_every_month_of_the_year_in_whole_rupiah(events, expect):
    assert {month for _, month in expect.monthly} == {f"{YEAR}-{m:02d}" for m in range(1, 13)}
    purchases = _applied(events, "purchase.recorded")
    amounts = [p["amount"] for p in purchases]
    assert all(type(a) is int for a in amounts)
    assert min(amounts) >= 50_000 and max(amounts) >= 10_000_000_000
    assert sum("lines" in p for p in purchases) > 1_000
    assert all(p["occurred_at"].endswith(("+07:00", "Z")) for p in purchases)


# --- intents ----------------------------------------------------------------------------------------


def test_every_kind_of_record_is_present_in_some_number(data):
    intents = Counter(rec.intent for rec in data.purchases)
    assert set(intents) == REJECTS | {APPLIED, DUPLICATE}
    assert all(30 <= intents[kind] <= 400 for kind in REJECTS | {DUPLICATE})
    assert {rec.intent for rec in data.suppliers} == {APPLIED, DUPLICATE, "schema_violation", "invalid_json"}
    reversals = [orjson.loads(r.value) for r in data.purchases
                 if r.intent == APPLIED and b"purchase.reversed" in r.value]
    assert sum("amount" in r for r in reversals) > 100 and sum("amount" not in r for r in reversals) > 100


def test_the_oracle_agrees_with_the_generator_on_every_record(data, expect):
    for group in ("suppliers", "purchases", "late_suppliers"):
        intents = tuple(rec.intent for rec in getattr(data, group))
        disagreements = [(i, a, b) for i, (a, b) in enumerate(zip(intents, expect.per_record[group])) if a != b]
        assert disagreements == [], group
    assert expect.outcomes == Counter(rec.intent for rec in data.in_send_order())


def test_records_meant_to_pass_decode_to_models_and_bad_ones_to_their_reason(data):
    for rec in data.in_send_order():
        result = decode("purchases" if rec.topic == PURCHASES_TOPIC else "suppliers", rec.value)
        if rec.intent in ("invalid_json", "schema_violation"):
            assert isinstance(result, Invalid) and result.reason == rec.intent, rec
        else:
            assert not isinstance(result, Invalid), (rec, result)


def test_amounts_are_broken_as_floats_strings_and_missing_fields(data):
    bad = [rec.value for rec in data.purchases if rec.intent == "schema_violation"]
    assert sum(bool(re.search(rb'"amount":\d+\.\d+', v)) for v in bad) >= 30
    assert sum(b'"amount":"' in v for v in bad) >= 30
    assert sum(b'"amount"' not in v or b'"currency"' not in v or b'"buyer"' not in v for v in bad) >= 10


def test_follow_ups_use_the_key_of_their_original_and_come_after_it(events):
    first_key: dict[str, bytes] = {}
    for group, _, rec, ev in events:
        if group != "purchases" or rec.intent == "schema_violation":
            continue
        assert EVENT_ID.match(ev["event_id"])
        if rec.intent in (DUPLICATE, "conflicting_duplicate"):
            assert first_key[ev["event_id"]] == rec.key
        if ev["type"] == "purchase.reversed" and rec.intent != "unknown_reversal":
            assert first_key[ev["reverses"]] == rec.key
        first_key.setdefault(ev["event_id"], rec.key)


# --- the registry over the year ---------------------------------------------------------------------


def test_suppliers_are_reclassified_lapse_and_some_are_never_registered(events):
    regs = _applied(events, "supplier.registered")
    by_supplier = defaultdict(list)
    for ev in regs:
        by_supplier[ev["supplier"]["id"]].append(ev)
    in_year = [ev for ev in regs if ev["valid_from"].startswith(str(YEAR))]
    assert sum(len(h) > 1 and h[-1]["valid_from"] > h[0]["valid_from"] for h in by_supplier.values()) > 100
    assert sum(ev.get("valid_to", "").startswith(str(YEAR)) for ev in regs) > 50
    assert len(in_year) > 100
    bought_from = {ev["supplier_id"] for ev in _applied(events, "purchase.recorded")}
    assert len(bought_from - set(by_supplier)) > 50


def test_late_registrations_cover_purchases_sent_before_them(events):
    early = {ev["supplier"]["id"] for g, _, rec, ev in events if g == "suppliers" and rec.intent == APPLIED}
    late_from = {ev["supplier"]["id"]: ev["valid_from"] for g, _, _, ev in events if g == "late_suppliers"}
    late_only = late_from.keys() - early
    covered = [ev for ev in _applied(events, "purchase.recorded")
               if ev["supplier_id"] in late_only and ev["occurred_at"][:10] > late_from[ev["supplier_id"]]]
    assert len(covered) > 100


def test_late_registrations_move_spend_between_eligible_and_not_but_not_the_total():
    data = generate(5, purchases=4_000, suppliers=800)
    expect, without_late = oracle.expected(data), oracle.expected(replace(data, late_suppliers=()))
    assert {k: t for k, (t, _) in expect.totals.items()} == {k: t for k, (t, _) in without_late.totals.items()}
    assert expect.totals != without_late.totals


def test_eligible_spend_is_part_of_the_total_and_months_add_up_to_the_year(expect):
    assert all(0 <= eligible <= total for total, eligible in expect.totals.values())
    summed = defaultdict(lambda: [0, 0])
    for (buyer, month), (total, eligible) in expect.monthly.items():
        summed[(buyer, int(month[:4]))][0] += total
        summed[(buyer, int(month[:4]))][1] += eligible
    assert {k: tuple(v) for k, v in summed.items()} == expect.totals
    shares = [e * 100 // t for (b, _), (t, e) in expect.totals.items() if b.startswith("co-")]
    assert min(shares) < 30 < max(shares)  # some companies miss a 30 percent allocation, some meet it
