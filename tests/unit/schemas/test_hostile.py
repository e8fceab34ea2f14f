"""Hostile input as properties at the decode boundary: whatever arrives decodes to an event or a
reason code, and nothing raises."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schemas.codes import RejectReason
from schemas.decode import Invalid, decode
from schemas.events import Event
from tests.factories import purchase

REASONS = {str(r) for r in RejectReason}
TOPIC = "kuota.purchases.v1"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def dumps(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


PATHS = [("type",), ("schema_version",), ("event_id",), ("occurred_at",), ("buyer",), ("buyer", "id"),
         ("buyer", "kind"), ("buyer", "region"), ("buyer", "name"), ("supplier_id",), ("amount",), ("currency",),
         ("channel",), ("reference",), ("lines",), ("unexpected",)]


@st.composite
def mutated_purchase(draw) -> bytes:
    doc = purchase(draw(st.sampled_from(["hyp-00000001", "hyp-00000002", "hyp-00000003"])),
                   draw(st.integers(1, 10**13)))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(PATHS))
        target = doc
        for part in path[:-1]:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[path[-1]] = draw(json_values)
    return dumps(doc)


records = st.one_of(st.binary(max_size=300), json_values.map(dumps), mutated_purchase(),
                    st.builds(lambda i, a: dumps(purchase(f"hyp-0000000{i}", a)), st.integers(1, 3),
                              st.sampled_from([1_000, 2_500])))


def outcome_of(value) -> str:
    return "event" if isinstance(value, Event) else str(value.reason)


@given(st.binary(max_size=2_000))
def test_any_bytes_decode_to_an_event_or_a_reason(raw):
    for kind in ("purchases", "suppliers"):
        result = decode(kind, raw)
        assert isinstance(result, Event) or (isinstance(result, Invalid) and str(result.reason) in REASONS)


@given(json_values)
def test_any_json_document_decodes_to_an_event_or_a_reason(doc):
    result = decode("purchases", dumps(doc))
    assert isinstance(result, Invalid) and str(result.reason) in REASONS and result.errors


@given(mutated_purchase())
def test_a_purchase_with_wrong_values_anywhere_is_an_event_or_a_reason(raw):
    assert outcome_of(decode("purchases", raw)) in REASONS | {"event"}


@pytest.mark.parametrize("field", ["reference", "supplier_id"])
@given(text=st.text(max_size=20))
def test_text_with_a_nul_character_is_a_schema_violation(field, text):
    raw = dumps(purchase("nul-00000001", 1_000, **{field: text[:10] + "\x00" + text[10:]}))
    assert outcome_of(decode("purchases", raw)) == "schema_violation"
