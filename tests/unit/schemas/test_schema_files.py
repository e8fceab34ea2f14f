"""The committed JSON Schema files are the contract outside systems build against."""

import json
import re

import pytest

from schemas.codes import BuyerKind, Channel, CooperativeType, Scale
from schemas.events import MAX_AMOUNT
from schemas.jsonschema import JSON_DIR, export, render, schemas

NAMES = ("purchase.recorded", "purchase.reversed", "supplier.registered", "event.rejected",
         "program.defined", "budget.declared", "allocation.planned", "compliance.alert", "supplier.merged", "supplier.unmerged",
         "supplier.distinct", "registration.expiring", "partner.graduated", "buyer.described")


def committed(name: str) -> dict:
    return json.loads((JSON_DIR / f"{name}.json").read_text(encoding="utf-8"))


def defs_of(schema: dict, name: str) -> dict:
    return schema["$defs"][name]


def test_one_schema_file_per_public_event():
    assert set(schemas()) == {f"{name}.json" for name in NAMES}
    assert {p.name for p in JSON_DIR.glob("*.json")} >= set(schemas())


def test_committed_files_match_the_models(tmp_path):
    # A failure here means a model changed: run `python -m schemas.jsonschema` and review the diff.
    written = export(tmp_path)
    assert sorted(p.name for p in written) == sorted(schemas())
    for path in written:
        assert json.loads(path.read_text(encoding="utf-8")) == committed(path.stem), path.name


def test_committed_files_are_pretty_sorted_and_end_with_a_newline():
    for file_name, schema in schemas().items():
        text = (JSON_DIR / file_name).read_text(encoding="utf-8")
        assert text == render(schema)
        assert text.endswith("}\n") and text.startswith('{\n  "')


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_names_itself_and_says_what_it_is(name):
    schema = committed(name)
    assert schema["$id"] == f"https://kuota.id/schemas/v1/{name}.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == name
    assert len(schema["description"]) > 20
    assert schema["properties"]["type"]["const"] == name
    assert schema["properties"]["schema_version"]["const"] == 1


@pytest.mark.parametrize("name", NAMES)
def test_unknown_fields_are_rejected_at_every_level(name):
    schema = committed(name)
    assert schema["additionalProperties"] is False
    for sub in schema.get("$defs", {}).values():
        if sub.get("type") == "object":
            assert sub["additionalProperties"] is False


@pytest.mark.parametrize("name", ("purchase.recorded", "purchase.reversed", "supplier.registered"))
def test_every_input_event_requires_the_envelope(name):
    schema = committed(name)
    assert {"type", "schema_version", "event_id", "occurred_at"} <= set(schema["required"])
    assert schema["properties"]["occurred_at"] == {
        "description": "RFC 3339 with offset", "format": "date-time", "title": "Occurred At", "type": "string",
    }


@pytest.mark.parametrize(
    "event_id, allowed",
    [("evt-0001", True), ("a" * 64, True), ("A.b_c:d-9", True),
     ("evt-001", False), ("a" * 65, False), ("evt 0001", False), ("evt/0001", False), ("évènement1", False)],
)
def test_event_id_pattern_is_the_contract_one(event_id, allowed):
    for name in ("purchase.recorded", "purchase.reversed", "supplier.registered"):
        pattern = committed(name)["properties"]["event_id"]["pattern"]
        assert bool(re.fullmatch(pattern, event_id)) is allowed


def test_purchase_amount_is_an_integer_from_1_to_10_to_the_13():
    amount = committed("purchase.recorded")["properties"]["amount"]
    assert (amount["type"], amount["minimum"], amount["maximum"]) == ("integer", 1, MAX_AMOUNT)


def test_purchase_fields_are_constrained_as_the_contract_says():
    schema = committed("purchase.recorded")
    props = schema["properties"]
    assert set(schema["required"]) == {
        "type", "schema_version", "event_id", "occurred_at", "buyer", "supplier_id", "amount", "currency", "channel",
    }
    assert props["currency"]["const"] == "IDR"
    assert defs_of(schema, "Channel")["enum"] == [c.value for c in Channel]
    buyer = defs_of(schema, "Buyer")
    assert set(buyer["required"]) == {"id", "kind", "region"}
    assert buyer["properties"]["region"]["pattern"] == "^[0-9]{4}$"
    assert defs_of(schema, "BuyerKind")["enum"] == [k.value for k in BuyerKind]
    line = defs_of(schema, "Line")
    assert line["properties"]["quantity"]["type"] == "integer"
    assert line["properties"]["quantity"]["exclusiveMinimum"] == 0
    assert line["properties"]["unit_price"]["type"] == "integer"
    # What the schema cannot say about lines is said in words.
    assert "sum of quantity x unit_price equals `amount`" in schema["description"]


def test_reversal_amount_is_optional_and_an_integer():
    schema = committed("purchase.reversed")
    assert "amount" not in schema["required"]
    assert "reverses" in schema["required"]
    integer = [alt for alt in schema["properties"]["amount"]["anyOf"] if alt.get("type") == "integer"]
    assert integer == [{"description": "whole rupiah", "maximum": MAX_AMOUNT, "minimum": 1, "type": "integer"}]


def test_supplier_registration_constrains_scale_cooperative_and_dates():
    schema = committed("supplier.registered")
    assert set(schema["required"]) >= {"supplier", "valid_from"}
    assert "valid_to" not in schema["required"]
    assert schema["properties"]["valid_from"]["format"] == "date"
    assert defs_of(schema, "Scale")["enum"] == [s.value for s in Scale]
    assert defs_of(schema, "CooperativeType")["enum"] == [c.value for c in CooperativeType]
    supplier = defs_of(schema, "Supplier")
    assert set(supplier["required"]) == {"id", "name", "region"}
    assert supplier["properties"]["region"]["pattern"] == "^[0-9]{4}$"
    # What the schema cannot say about a missing scale is said in words.
    assert "capital" in schema["description"] and "annual_sales" in schema["description"]


def test_rejection_output_carries_the_contract_fields():
    schema = committed("event.rejected")
    assert set(schema["required"]) >= {"source_topic", "partition", "offset", "received_at", "reason", "errors", "raw"}
    assert schema["properties"]["raw_encoding"]["enum"] == ["utf-8", "base64"]
