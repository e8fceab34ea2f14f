"""Hand-made hostile records and the reason code each must be rejected with.

Plus a few odd but valid records (controls): a ledger that rejects everything strange would
pass the hostile half and fail these.
"""

import json
from dataclasses import dataclass

import orjson

OCCURRED = "2024-03-05T10:15:00+07:00"
SUPPLIER = "3216000000777"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # purchases | suppliers
    value: bytes | None
    reason: str  # the expected reason code; "applied" for a control
    key: bytes = b"opd-3216-chaos"


def purchase(event_id: str, amount=1_000_000, **fields) -> dict:
    doc = {"type": "purchase.recorded", "schema_version": 1, "event_id": event_id, "occurred_at": OCCURRED,
           "buyer": {"id": "opd-3216-chaos", "kind": "agency", "region": "3216"}, "supplier_id": SUPPLIER,
           "amount": amount, "currency": "IDR", "channel": "toko_daring"}
    return doc | fields


def registration(event_id: str, **supplier) -> dict:
    return {"type": "supplier.registered", "schema_version": 1, "event_id": event_id,
            "occurred_at": "2024-01-01T08:00:00+07:00", "valid_from": "2024-01-01",
            "supplier": {"id": SUPPLIER, "name": "UMKM Chaos", "region": "3216", "scale": "mikro"} | supplier}


def _j(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()  # big ints too


def _with(doc: dict, path: tuple, value) -> dict:
    """A copy of doc with doc[path...] replaced (wrong types everywhere)."""
    doc = orjson.loads(orjson.dumps(doc))
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


def hostile() -> list[Case]:
    p = purchase("hostile-base-0001")
    cases = [
        Case("over 1 MB of JSON", "purchases", _j(purchase("big-json-0001", reference="x" * 1_100_000)), "too_large"),
        Case("over 1 MB of binary", "purchases", bytes(range(256)) * 5_900, "too_large"),
        Case("100,000 nested arrays", "purchases", b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
        Case("100,000 nested objects in a field", "purchases",
             _j(p)[:-1] + b',"lines":' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"}", "invalid_json"),
        Case("lone surrogate escaped in a name", "purchases",
             _j(p).replace(b'"opd-3216-chaos","kind"', b'"opd-3216-chaos","name":"\\ud800","kind"'),
             "invalid_json"),
        Case("NUL escaped in a reference", "purchases", _j(purchase("nul-text-0001", reference="INV\u00007")),
             "schema_violation"),
        Case("NUL byte in the raw record", "purchases", b'{"type":"purchase.recorded","x":"\x00"}', "invalid_json"),
        Case("right-to-left override in the region", "purchases",
             _j(_with(p, ("buyer", "region"), "32\u202e16")), "schema_violation"),
        Case("SQL in the event id", "purchases", _j(purchase("x'; DROP TABLE entries;--")), "schema_violation"),
        Case("SQL in the amount", "purchases", _j(purchase("sql-amount-01", amount="1; DELETE FROM positions")),
             "schema_violation"),
        Case("not UTF-8", "purchases", b'{"type":"purchase.recorded","event_id":"\xff\xfe\xfd"}', "invalid_json"),
        Case("negative amount", "purchases", _j(purchase("neg-amount-01", amount=-5_000)), "schema_violation"),
        Case("amount 10^30", "purchases", _j(purchase("huge-amount-1", amount=10**30)), "schema_violation"),
        Case("amount as float", "purchases", _j(purchase("float-amount1", amount=1e6)), "schema_violation"),
        Case("timestamp without offset", "purchases",
             _j(purchase("no-offset-001", occurred_at="2024-03-05T10:15:00")), "schema_violation"),
        Case("timestamp far in the future", "purchases",
             _j(purchase("far-future-01", occurred_at="9999-12-31T23:59:59+07:00")), "schema_violation"),
        Case("Unix time", "purchases", _j(purchase("unix-time-001", occurred_at=1709608500)), "schema_violation"),
        Case("buyer as text", "purchases", _j(_with(p, ("buyer",), "opd-3216-chaos")), "schema_violation"),
        Case("lines as an object", "purchases", _j(_with(p, ("lines",), {"a": 1})), "schema_violation"),
        Case("schema_version as text", "purchases", _j(_with(p, ("schema_version",), "1")), "schema_violation"),
        Case("event_id as a number", "purchases", _j(_with(p, ("event_id",), 12345678)), "schema_violation"),
        Case("type as a number", "purchases", _j(_with(p, ("type",), 5)), "unknown_type"),
        Case("unknown type", "purchases", _j(_with(p, ("type",), "purchase.deleted")), "unknown_type"),
        Case("an array, not an object", "purchases", b"[1, 2, 3]", "schema_violation"),
        Case("JSON null", "purchases", b"null", "schema_violation"),
        Case("empty value (tombstone)", "purchases", None, "invalid_json"),
        Case("supplier valid from year 9999", "suppliers",
             _j(registration("sup-future-01") | {"valid_from": "9999-01-01"}), "schema_violation", SUPPLIER.encode()),
        Case("supplier name with NUL", "suppliers", _j(registration("sup-nul-0001", name="A\u0000B")),
             "schema_violation", SUPPLIER.encode()),
        Case("supplier scale as a number", "suppliers", _j(registration("sup-scale-01", scale=3)),
             "schema_violation", SUPPLIER.encode()),
    ]
    return cases


def controls() -> list[Case]:
    """Odd but valid: they must be applied, text kept verbatim."""
    return [
        Case("supplier with an Arabic name and RTL mark", "suppliers",
             _j(registration("ctl-sup-0001", name="\u200fكوبرازي UMKM")), "applied", SUPPLIER.encode()),
        Case("SQL-looking buyer name", "purchases",
             _j(purchase("ctl-sql-00001", amount=1_111_111) | {"buyer": {
                 "id": "opd-3216-chaos", "kind": "agency", "region": "3216",
                 "name": "Robert'); DROP TABLE entries;--"}}), "applied"),
        Case("emoji and RTL mark in the reference", "purchases",
             _j(purchase("ctl-emoji-001", amount=2_222_222, reference="\u200f\U0001f4b8 فاتورة 7")), "applied"),
    ]
