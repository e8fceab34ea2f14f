"""`schemas.plain` is held to the contract models: whatever bytes arrive, the hot path either
declines them or gives exactly what `PurchaseRecorded` gives - every field, the offset of the time,
and the canonical JSON the fingerprint hashes - and it does not decline the ordinary records."""

import hashlib
import json
import string
from datetime import datetime, timedelta

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.rules.fingerprint import fingerprint
from schemas.codes import BuyerKind, Channel
from schemas.decode import decode
from schemas.events import MAX_AMOUNT, PurchaseRecorded, unset_additions
from schemas.plain import PlainPurchase, plain_purchase

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                      HealthCheck.filter_too_much])


def agrees(raw: bytes | None) -> PlainPurchase | None:
    """The property: `plain_purchase(raw)` is None, or pydantic takes `raw` as a `PurchaseRecorded`
    with the same values and the same canonical JSON. Returns what the hot path gave."""
    plain = plain_purchase(raw)
    if plain is None:
        return None
    model = decode("purchases", raw)
    assert isinstance(model, PurchaseRecorded), f"the hot path took {raw!r}, pydantic says {model}"
    assert (plain.event_id, plain.supplier_id, plain.amount, plain.reference, plain.state) == \
           (model.event_id, model.supplier_id, model.amount, model.reference, model.state), raw
    assert (plain.buyer.id, plain.buyer.kind, plain.buyer.name, plain.buyer.region, plain.channel) == \
           (model.buyer.id, model.buyer.kind, model.buyer.name, model.buyer.region, model.channel), raw
    assert type(plain.amount) is int and type(plain.buyer.kind) is BuyerKind and type(plain.channel) is Channel
    assert plain.occurred_at == model.occurred_at, raw
    assert plain.occurred_at.utcoffset() == model.occurred_at.utcoffset(), raw
    assert plain.lines is plain.source is plain.declared_umk_amount is plain.supplier_name is plain.plan_package is None
    assert model.lines is model.source is model.declared_umk_amount is model.supplier_name is model.plan_package \
        is None, raw
    canonical = model.model_dump_json(exclude=unset_additions(model) or None).encode()
    assert plain.canonical == canonical, (raw, plain.canonical, canonical)
    assert hashlib.sha256(plain.canonical).hexdigest() == fingerprint(model) == fingerprint(plain)
    return plain


# --- writing JSON: any key order, spacing, escapes and duplicate keys --------------------------------


class Pairs(list):
    """A JSON object as its (key, value) pairs, so a key may appear twice."""


def _string(text: str, escaped: frozenset[str], raw_unicode: bool) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in escaped or code < 0x20 or (code > 0x7e and not raw_unicode):
            if code > 0xFFFF:  # an escaped astral character is a surrogate pair
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        elif ch in '"\\':
            out.append("\\" + ch)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def encode(value, escaped: frozenset[str] = frozenset(), raw_unicode: bool = False, spaced: bool = False) -> str:
    """JSON text written by hand: `escaped` letters as `\\uXXXX`, non-ASCII raw or escaped."""
    comma, colon = (", ", ": ") if spaced else (",", ":")

    def write(v) -> str:
        if v is None or isinstance(v, bool):
            return {None: "null", True: "true", False: "false"}[v]
        if isinstance(v, (int, float)):
            return json.dumps(v)  # floats as repr, NaN and Infinity as Python writes them
        if isinstance(v, str):
            return _string(v, escaped, raw_unicode)
        if isinstance(v, (dict, Pairs)):
            items = v.items() if isinstance(v, dict) else v
            return "{" + comma.join(write(k) + colon + write(x) for k, x in items) + "}"
        return "[" + comma.join(write(x) for x in v) + "]"

    return write(value)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@st.composite
def serialised(draw, doc) -> bytes:
    """`doc` as one of the producers might write it."""
    how = draw(st.sampled_from(["orjson", "json", "json-compact", "hand"]))
    if how == "orjson" and not _has_pairs(doc):
        try:
            return orjson.dumps(doc)
        except (TypeError, orjson.JSONEncodeError):  # ints beyond 64 bits, lone surrogates
            pass
    if how.startswith("json") and not _has_pairs(doc):
        separators = (",", ":") if how == "json-compact" else None
        return _bytes(json.dumps(doc, ensure_ascii=draw(st.booleans()), separators=separators))
    escaped = draw(st.frozensets(st.sampled_from(string.ascii_letters), max_size=6))
    return _bytes(encode(doc, escaped, raw_unicode=draw(st.booleans()), spaced=draw(st.booleans())))


def _has_pairs(value) -> bool:
    if isinstance(value, Pairs):
        return True
    if isinstance(value, dict):
        return any(_has_pairs(v) for v in value.values())
    return isinstance(value, list) and any(_has_pairs(v) for v in value)


# --- valid plain records ---------------------------------------------------------------------------

PLAIN_ALPHABET = "".join(chr(c) for c in range(0x20, 0x7f) if chr(c) not in '"\\')
ID_ALPHABET = string.ascii_letters + string.digits + "_.:-"
OFFSET_MINUTES = 23 * 60 + 59


def plain_text(min_size: int = 0, max_size: int = 64):
    return st.text(PLAIN_ALPHABET, min_size=min_size, max_size=max_size)


@st.composite
def moments(draw) -> str:
    """`YYYY-MM-DDTHH:MM:SS` with `Z` or an offset, in years 1900-2999."""
    when = draw(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31, 23, 59, 59)))
    minutes = draw(st.one_of(st.just(0), st.sampled_from([420, 480, 540, 330, -300, 345, -570]),
                             st.integers(-OFFSET_MINUTES, OFFSET_MINUTES)))
    if minutes == 0:
        offset = draw(st.sampled_from(["Z", "+00:00", "-00:00"]))
    else:
        sign, size = ("+" if minutes > 0 else "-"), abs(minutes)
        offset = f"{sign}{size // 60:02d}:{size % 60:02d}"
    return f"{when.year:04d}-{when:%m-%dT%H:%M:%S}{offset}"


@st.composite
def plain_docs(draw) -> dict:
    """A `purchase.recorded` of the plainest shape, keys in any order."""
    buyer = {"id": draw(plain_text(1, 64)), "kind": draw(st.sampled_from(["agency", "company"])),
             "region": draw(st.text(string.digits, min_size=4, max_size=4))}
    if draw(st.booleans()):
        buyer["name"] = draw(st.none() | plain_text(0, 200))
    doc = {"type": "purchase.recorded", "schema_version": 1,
           "event_id": draw(st.text(ID_ALPHABET, min_size=8, max_size=64)), "occurred_at": draw(moments()),
           "buyer": _shuffled(draw, buyer), "supplier_id": draw(plain_text(1, 64)),
           "amount": draw(st.integers(1, MAX_AMOUNT) | st.sampled_from([1, MAX_AMOUNT, 1_250_000])),
           "currency": "IDR", "channel": draw(st.sampled_from([c.value for c in Channel]))}
    if draw(st.booleans()):
        doc["reference"] = draw(st.none() | plain_text(0, 100))
    if draw(st.booleans()):
        doc["state"] = draw(st.sampled_from(["completed", "pending", "void"]))
    return _shuffled(draw, doc)


def _shuffled(draw, doc: dict) -> dict:
    return {key: doc[key] for key in draw(st.permutations(list(doc)))}


plain_records = plain_docs().flatmap(serialised)


# --- hostile variants ------------------------------------------------------------------------------

TOP = ["type", "schema_version", "event_id", "occurred_at", "buyer", "supplier_id", "amount", "currency", "channel",
       "reference", "state"]
BUYER = ["id", "kind", "region", "name"]
TEXT_PATHS = [("event_id",), ("supplier_id",), ("reference",), ("buyer", "id"), ("buyer", "name"),
              ("buyer", "region"), ("buyer", "kind"), ("channel",), ("currency",), ("type",), ("state",),
              ("occurred_at",)]
LENGTHS = {("event_id",): [0, 7, 8, 64, 65], ("supplier_id",): [0, 1, 64, 65], ("buyer", "id"): [0, 1, 64, 65],
           ("reference",): [0, 100, 101], ("buyer", "name"): [0, 200, 201], ("buyer", "region"): [3, 4, 5]}


def boundary_text(path: tuple[str, ...]):
    """Text of the field's own alphabet at a length on either side of its limits."""
    alphabet = {("event_id",): ID_ALPHABET, ("buyer", "region"): string.digits}.get(path, PLAIN_ALPHABET)
    return st.sampled_from(LENGTHS[path]).flatmap(lambda n: st.text(alphabet, min_size=n, max_size=n))


STRANGE = ["é", "😀", "\x00", "\x01", "\x1f", "\x7f", "\ud800", "\udfff", '"', "\\", "\n", "\t", "٢", "\u00a0",
           "\u2028", "\ufeff", " "]
WRONG = [True, False, None, 5.0, 1e3, 0.5, -1, 0, "1000", "", [], {}, ["x"], {"a": 1}, 2**64, 2**70]
MOMENTS = ["2024-03-05t10:15:00+07:00", "2024-03-05T10:15:00z", "2024-03-05 10:15:00+07:00",
           "2024-03-05T10:15:00.5+07:00", "2024-03-05T10:15:00.123456789Z", "2024-03-05T10:15:00.000000Z",
           "2024-03-05T10:15:00+24:00", "2024-03-05T10:15:00+05:60", "2024-03-05T23:59:60Z",
           "2024-03-05T24:00:00Z", "2024-03-05T24:00:00+07:00", "1899-12-31T23:59:59Z", "1899-12-31T23:59:59-01:00",
           "1900-01-01T00:00:00+01:00", "3000-01-01T00:00:00Z", "2999-12-31T23:59:59-23:59", "0001-01-01T00:00:00Z",
           "2024-02-30T10:15:00Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
           "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-03-00T00:00:00Z",
           "2024-03-05T10:15:00", "2024-03-05T10:15Z", "2024-03-05", "2024-03-05T10:15:00+0700",
           "2024-03-05T10:15:00+07", "2024-03-05T10:15:00 +07:00", " 2024-03-05T10:15:00Z", "2024-03-05T10:15:00Z ",
           "2024-03-05T10:15:00Z\n", "20240305T101500Z", "+2024-03-05T10:15:00Z", "2024-3-5T10:15:00Z",
           "٢٠٢٤-03-05T10:15:00Z", "2024-03-05T10:15:00+07:00[Asia/Jakarta]", "2024-03-05T10:15:00UTC",
           "2024-03-05T10:15:00-00:00", "2024-03-05T10:15:00+00:00", 1709608500, "1709608500", 1709608500.5, None]


def _target(doc: dict, path: tuple[str, ...]) -> dict | None:
    target = doc
    for part in path[:-1]:
        target = target.get(part)
        if not isinstance(target, dict):
            return None
    return target


def _set(doc: dict, path: tuple[str, ...], value) -> None:
    target = _target(doc, path)
    if target is not None:
        target[path[-1]] = value


def _get(doc: dict, path: tuple[str, ...]):
    target = _target(doc, path)
    return None if target is None else target.get(path[-1])


@st.composite
def odd_text(draw, path: tuple[str, ...], doc: dict) -> str:
    current = _get(doc, path)
    current = current if isinstance(current, str) else "abcdefgh"
    kind = draw(st.sampled_from(["insert", "length", "case", "any"]))
    if kind == "insert":
        at = draw(st.integers(0, len(current)))
        return current[:at] + draw(st.sampled_from(STRANGE)) + current[at:]
    if kind == "length":
        return draw(st.sampled_from("aZ9-")) * draw(st.sampled_from([0, 1, 3, 4, 5, 7, 8, 63, 64, 65, 99, 100, 101,
                                                                      199, 200, 201, 300]))
    if kind == "case":
        return current.upper() if current != current.upper() else current.lower() + "x"
    return draw(st.text(max_size=70))


@st.composite
def hostile_docs(draw):
    """A plain record with one or two things wrong (or, now and then, nothing wrong)."""
    doc = draw(plain_docs())
    for _ in range(draw(st.sampled_from([1, 1, 1, 2]))):
        doc = draw(_mutation(doc))
    return doc


@st.composite
def _mutation(draw, doc):
    if not isinstance(doc, dict):
        return doc
    doc = json.loads(json.dumps(doc))  # a copy: mutations change it in place
    if isinstance(doc.get("buyer"), dict):
        doc["buyer"] = dict(doc["buyer"])
    what = draw(st.sampled_from(["wrong", "amount", "version", "type", "drop", "extra", "addition", "text",
                                 "moment", "state", "buyer", "duplicate", "nan", "deep", "whole"]
                                + ["length"] * 3 + ["text"] * 2 + ["moment"] * 2 + ["amount"]))
    if what == "length":
        path = draw(st.sampled_from(list(LENGTHS)))
        _set(doc, path, draw(boundary_text(path)))
    elif what == "wrong":
        path = draw(st.sampled_from([(k,) for k in TOP] + [("buyer", k) for k in BUYER]))
        _set(doc, path, draw(st.sampled_from(WRONG)))
    elif what == "amount":
        doc["amount"] = draw(st.sampled_from([True, False, 5.0, 1e3, 1000.0, "1000", 0, -1, MAX_AMOUNT,
                                              MAX_AMOUNT + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**100, -2**64,
                                              float("inf"), None, [1000], {"value": 1000}]))
    elif what == "version":
        doc["schema_version"] = draw(st.sampled_from([True, 2, 0, "1", 1.0, None, [1], 2**64]))
    elif what == "type":
        doc["type"] = draw(st.sampled_from(["purchase.reversed", "Purchase.recorded", "purchase.recorded ",
                                            "supplier.registered", "", None, 1, ["purchase.recorded"]]))
    elif what == "drop":
        path = draw(st.sampled_from([(k,) for k in TOP] + [("buyer", k) for k in BUYER]))
        target = _target(doc, path)
        if target is not None:
            target.pop(path[-1], None)
    elif what == "extra":
        path = draw(st.sampled_from([(), ("buyer",)]))
        key = draw(st.sampled_from(["surprise", "Type", "amount ", "lines", "source", "note", "", "name", "id"]))
        target = doc if not path else doc.get("buyer")
        if isinstance(target, dict):
            target[key] = draw(st.sampled_from([None, 1, "x", [], {}]))
    elif what == "addition":
        doc[draw(st.sampled_from(["lines", "source", "declared_umk_amount", "supplier_name", "plan_package"]))] = \
            draw(st.sampled_from([None, 0, 5, [], [{"description": "x", "quantity": 1, "unit_price": doc.get("amount")}],
                                  {"system": "spse", "key": "k1", "version": 0}, "CV.HANSAMU", "60608395", ""]))
    elif what == "text":
        path = draw(st.sampled_from(TEXT_PATHS))
        _set(doc, path, draw(odd_text(path, doc)))
    elif what == "moment":
        doc["occurred_at"] = draw(st.sampled_from(MOMENTS) | moments().map(_bend_moment(draw)))
    elif what == "state":
        doc["state"] = draw(st.sampled_from(["COMPLETED", "Pending", 1, None, "", "completed ", "voided", True,
                                             "void\x00"]))
    elif what == "buyer":
        doc["buyer"] = draw(st.sampled_from([None, "opd-3216", [], [doc.get("buyer")], 1]))
    elif what == "duplicate":
        return _duplicated(draw, doc)
    elif what == "nan":
        doc[draw(st.sampled_from(["amount", "schema_version", "reference"]))] = draw(
            st.sampled_from([float("nan"), float("inf"), float("-inf")]))
    elif what == "deep":
        nested = "x"
        for _ in range(draw(st.sampled_from([10, 200, 600]))):
            nested = [nested] if draw(st.booleans()) else {"a": nested}
        doc[draw(st.sampled_from(["surprise", "reference", "lines"]))] = nested
    elif what == "whole":
        return draw(st.sampled_from([[doc], list(doc.values()), "purchase.recorded", 1, None, True, [], {}]))
    return doc


def _bend_moment(draw):
    """A change to a well-formed time that makes it another form of time, or no time."""
    how = draw(st.sampled_from(["t", "z", "space", "fraction", "bare", "date", "seconds"]))

    def bend(text: str) -> str:
        if how == "t":
            return text.replace("T", "t")
        if how == "z":
            return text[:19] + "z"
        if how == "space":
            return text.replace("T", " ")
        if how == "fraction":
            return text[:19] + ".5" + text[19:]
        if how == "bare":
            return text[:19]
        if how == "date":
            return text[:10]
        return text[:17] + "60" + text[19:]

    return bend


def _duplicated(draw, doc: dict) -> Pairs:
    """The document with one key written twice, the odd value first or last."""
    in_buyer = isinstance(doc.get("buyer"), dict) and draw(st.booleans())
    target = doc["buyer"] if in_buyer else doc
    key = draw(st.sampled_from(list(target) + ["surprise"]))
    odd = draw(st.sampled_from(WRONG + ["x", 1, "agency", "purchase.recorded"]))
    pairs = Pairs(target.items())
    pairs.insert(0 if draw(st.booleans()) else len(pairs), (key, odd))
    if not in_buyer:
        return pairs
    return Pairs((k, pairs if k == "buyer" else v) for k, v in doc.items())


@st.composite
def hostile_records(draw) -> bytes | None:
    raw = draw(hostile_docs().flatmap(serialised))
    damage = draw(st.sampled_from(["none"] * 16 + ["bom", "truncate", "byte", "garbage", "array", "empty", "nothing",
                                                  "deep", "whitespace"]))
    if damage == "bom":
        return b"\xef\xbb\xbf" + raw
    if damage == "truncate":
        return raw[:draw(st.integers(0, max(len(raw) - 1, 0)))]
    if damage == "byte":
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        return raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1:]
    if damage == "garbage":
        return raw + draw(st.sampled_from([b"x", b"}", b",", b"\x00", b"\x0c", b"{}", b" 1", b"\n\n"]))
    if damage == "array":
        return b"[" + raw + b"]"
    if damage == "empty":
        return b""
    if damage == "nothing":
        return None
    if damage == "deep":
        depth = draw(st.sampled_from([100, 1000, 5000]))
        return b"[" * depth + b"]" * depth
    if damage == "whitespace":
        return draw(st.sampled_from([b" ", b"\t", b"\r\n", b"\x0b", b"\xc2\xa0"])) + raw
    return raw


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


# --- the property ----------------------------------------------------------------------------------


@settings(FAST, max_examples=1500)
@given(raw=plain_records)
def test_an_ordinary_record_takes_the_hot_path_and_reads_as_pydantic_reads_it(raw):
    assert agrees(raw) is not None, raw


@settings(FAST, max_examples=2500)
@given(raw=hostile_records())
def test_a_hostile_record_is_declined_or_reads_exactly_as_pydantic_reads_it(raw):
    agrees(raw)


@settings(FAST, max_examples=400)
@given(raw=st.binary(max_size=600))
def test_random_bytes_are_declined_or_read_as_pydantic_reads_them(raw):
    agrees(raw)


@settings(FAST, max_examples=400)
@given(doc=json_values, raw_unicode=st.booleans())
def test_any_json_document_is_declined_or_read_as_pydantic_reads_it(doc, raw_unicode):
    agrees(_bytes(encode(doc, raw_unicode=raw_unicode)))


@settings(FAST, max_examples=400)
@given(doc=plain_docs(), path=st.sampled_from([(k,) for k in TOP] + [("buyer", k) for k in BUYER]),
       value=json_values)
def test_any_json_value_in_any_field_is_declined_or_read_as_pydantic_reads_it(doc, path, value):
    _set(doc, path, value)
    agrees(_bytes(encode(doc, raw_unicode=True)))


@settings(FAST, max_examples=300)
@given(doc=plain_docs(), path=st.sampled_from(list(LENGTHS)), data=st.data())
def test_text_just_inside_or_outside_its_length_limit_is_declined_or_read_as_pydantic_reads_it(doc, path, data):
    _set(doc, path, data.draw(boundary_text(path)))
    agrees(data.draw(serialised(doc)))


# --- the edges, spelled out ------------------------------------------------------------------------

BASE = {"type": "purchase.recorded", "schema_version": 1, "event_id": "evt-20240305-0001",
        "occurred_at": "2024-03-05T10:15:00+07:00",
        "buyer": {"id": "kab-bekasi-dinkes", "kind": "agency", "name": "Dinas Kesehatan", "region": "3216"},
        "supplier_id": "9120304050607", "amount": 1_250_000, "currency": "IDR", "channel": "toko_daring",
        "reference": "INV/2024/03/0001"}
WIRE = json.dumps(BASE).encode()


def with_(**changes) -> bytes:
    return json.dumps({k: v for k, v in {**BASE, **changes}.items() if v is not ...}).encode()


def with_buyer(**changes) -> bytes:
    return with_(buyer={k: v for k, v in {**BASE["buyer"], **changes}.items() if v is not ...})


@pytest.mark.parametrize("raw", [
    WIRE, orjson.dumps(BASE), with_(reference=...), with_(reference=None), with_(reference=""),
    with_(state="completed"), with_(state="pending"), with_(state="void"), with_buyer(name=...),
    with_buyer(name=None), with_buyer(kind="company"), with_(amount=1), with_(amount=MAX_AMOUNT),
    with_(occurred_at="2024-03-05T10:15:00Z"), with_(occurred_at="2024-03-05T10:15:00+00:00"),
    with_(occurred_at="2024-03-05T10:15:00-00:00"), with_(occurred_at="2024-03-05T10:15:00-05:30"),
    with_(occurred_at="1900-01-01T00:00:00+23:59"), with_(occurred_at="2999-12-31T23:59:59-23:59"),
    with_(occurred_at="2000-02-29T00:00:00Z"), with_(event_id="e" * 64), with_(supplier_id="s" * 64),
    with_(reference="r" * 100), with_buyer(name="n" * 200), with_(reference="<a href='x'>&amp; /*~`|{}</a>"),
    WIRE.replace(b"kab-bekasi", b"\\u006bab-bekasi"),
    WIRE.replace(b'"amount": 1250000', b'"amount": 7, "amount": 1250000'),
    WIRE.replace(b'"amount": 1250000', b'"amount": 1250000, "amount": 7'), b" \n\t" + WIRE + b"\r\n",
    WIRE.replace(b"INV/", b"INV\\/"),
], ids=lambda raw: raw.decode("ascii", "backslashreplace")[:60])
def test_a_plain_record_at_the_edges_takes_the_hot_path_and_agrees(raw):
    assert agrees(raw) is not None


@pytest.mark.parametrize("raw", [
    None, b"", b"null", b"[]", b"{}", b'"purchase.recorded"', b"[" + WIRE + b"]", b"\xef\xbb\xbf" + WIRE, WIRE[:-1],
    WIRE + b"x", WIRE.replace(b"1250000", b"1.25e6"), WIRE.replace(b"1250000", b"1250000.0"),
    WIRE.replace(b"1250000", b"-0"), WIRE.replace(b"1250000", b"01250000"), WIRE.replace(b"1250000", b"+1250000"),
    WIRE.replace(b"1250000", b"0x1312D0"), WIRE.replace(b'"schema_version": 1', b'"schema_version": 1e0'),
    b"[" * 5000 + b"]" * 5000, WIRE.replace(b"1250000", b"NaN"), WIRE.replace(b"1250000", b"Infinity"),
    with_(amount=True), with_(amount=5.0), with_(amount=1e3), with_(amount="1250000"), with_(amount=0),
    with_(amount=MAX_AMOUNT + 1), with_(amount=2**64), with_(amount=2**100), with_(amount=None),
    with_(schema_version=True), with_(schema_version=1.0), with_(schema_version=2), with_(schema_version="1"),
    with_(type="purchase.reversed"), with_(event_id=None), with_(event_id=["evt-20240305-0001"]),
    with_(supplier_id={"id": "x"}), with_(event_id="e" * 65), with_(supplier_id="s" * 65), with_(supplier_id=""),
    with_(reference="r" * 101), with_buyer(name="n" * 201), with_buyer(id="b" * 65), with_(event_id="short"),
    with_(surprise=1), with_(lines=None), with_(source=None), with_(declared_umk_amount=None),
    with_(declared_umk_amount=0), with_(lines=[{"description": "x", "quantity": 1, "unit_price": 1_250_000}]),
    with_(source={"system": "spse", "key": "k1", "version": 0}), with_(supplier_name=None),
    with_(supplier_name="CV.HANSAMU"), with_(plan_package=None), with_(plan_package="60608395"),
    with_(currency="USD"), with_(channel="TENDER"),
    with_(state="COMPLETED"), with_(state=1), with_(state=None), with_buyer(surprise=1), with_buyer(kind="Agency"),
    with_buyer(region="321"), with_buyer(region="32160"), with_buyer(region=3216), with_(buyer=None),
    with_(amount=...), with_(occurred_at=...), with_buyer(region=...),
    with_(reference="Café"), json.dumps(BASE | {"reference": "Café"}, ensure_ascii=False).encode(),
    with_(reference="😀"), with_(reference="a\x00b"), with_(reference="a\x1fb"), with_(reference='say "hi"'),
    with_(reference="back\\slash"), with_(reference="tab\there"), with_(reference="del\x7f"),
    with_buyer(name="\u00a0"), WIRE.replace(b"INV/", b"\\ud800INV/"), WIRE.replace(b"INV/", b"\\udfffINV/"),
    WIRE.replace(b"INV/", b"\\ud83d\\ude00INV/"), WIRE.replace(b"INV/", b"\\u0000INV/"),
    WIRE.replace(b'"amount": 1250000', b'"amount": 1250000, "amount": "7"'),
    WIRE.replace(b'"amount": 1250000', b'"amount": "7", "amount": 1250000'),
    WIRE.replace(b'"currency": "IDR"', b'"currency": "IDR", "lines": [], "lines": null'),
    *(with_(occurred_at=moment) for moment in MOMENTS if moment not in (
        "1900-01-01T00:00:00+01:00", "2999-12-31T23:59:59-23:59", "2000-02-29T00:00:00Z",
        "2024-03-05T10:15:00-00:00", "2024-03-05T10:15:00+00:00")),
], ids=lambda raw: "None" if raw is None else raw.decode("utf-8", "backslashreplace")[:60])
def test_an_edge_record_is_declined_or_reads_exactly_as_pydantic_reads_it(raw):
    agrees(raw)


def test_a_duplicate_key_counts_as_its_last_value_on_both_paths():
    plain = agrees(WIRE.replace(b'"amount": 1250000', b'"amount": 7, "amount": 1250000'))
    assert plain is not None and plain.amount == 1_250_000
    assert agrees(WIRE.replace(b'"amount": 1250000', b'"amount": 1250000, "amount": "7"')) is None


def test_a_zero_offset_is_written_as_z_and_keeps_its_offset():
    plain = agrees(with_(occurred_at="2024-03-05T10:15:00-00:00"))
    assert plain is not None and b'"occurred_at":"2024-03-05T10:15:00Z"' in plain.canonical
    assert plain.occurred_at.utcoffset() == timedelta(0)
