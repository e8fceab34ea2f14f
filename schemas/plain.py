"""The plainest `purchase.recorded` records read without pydantic, for the booking hot path.

Nearly every purchase on the wire has one shape: the required fields, perhaps a buyer name, a
reference and a state, all text plain printable ASCII. For such a record `plain_purchase` gives
the same values `PurchaseRecorded` would and the JSON its fingerprint hashes: about 6 µs with the
hash, where the models' validation and serialisation took 9. Anything else - another type, lines, a source, a declared UMK value, a
supplier name, a planned package, an unknown or missing field, a value of another type or outside its range, text that needs escaping or is not
ASCII, a time written any other way than `YYYY-MM-DDTHH:MM:SS` with `Z` or an offset - gives None,
and the pydantic models decide, as they decide every rejection and its message. The models stay
the contract; a property test (`tests/unit/schemas/test_plain.py`) holds this module to them over
random and hostile records.
"""

import re
from dataclasses import dataclass
from datetime import datetime

import orjson

from schemas.codes import BuyerKind, Channel
from schemas.events import EARLIEST, LATEST, MAX_AMOUNT

_FIELDS = frozenset({"type", "schema_version", "event_id", "occurred_at", "buyer", "supplier_id", "amount", "currency",
                     "channel", "reference", "state"})
_REQUIRED = frozenset({"type", "schema_version", "event_id", "occurred_at", "buyer", "supplier_id", "amount",
                       "currency", "channel"})
_BUYER = frozenset({"id", "kind", "region", "name"})
_EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{8,64}")
_REGION = re.compile(r"[0-9]{4}")
_PLAIN_TEXT = re.compile(r'[\x20\x21\x23-\x5b\x5d-\x7e]*')  # printable ASCII but " and \: JSON writes it as it is
_MOMENT = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])")
_KINDS, _CHANNELS = BuyerKind._value2member_map_, Channel._value2member_map_
_STATES = ("completed", "pending", "void")


@dataclass(slots=True)
class PlainBuyer:
    id: str
    kind: BuyerKind
    name: str | None
    region: str


@dataclass(slots=True)
class PlainPurchase:
    """A `purchase.recorded` of the plainest shape: the fields the books read, as `PurchaseRecorded`
    has them, and `canonical`, the JSON `ledger.rules.fingerprint` hashes for it."""

    event_id: str
    occurred_at: datetime
    buyer: PlainBuyer
    supplier_id: str
    amount: int
    channel: Channel
    reference: str | None
    state: str
    canonical: bytes
    lines: None = None
    source: None = None
    declared_umk_amount: None = None
    supplier_name: None = None
    plan_package: None = None


def plain_purchase(raw: bytes | None) -> PlainPurchase | None:
    """The record as a `PlainPurchase`, or None when it is not of the plainest shape."""
    if not raw or len(raw) > 4096 or not raw.isascii():
        return None
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(doc) is not dict or not _REQUIRED <= doc.keys() <= _FIELDS:
        return None
    if doc["type"] != "purchase.recorded" or doc["currency"] != "IDR" or type(doc["schema_version"]) is not int \
            or doc["schema_version"] != 1:
        return None
    event_id, supplier_id, amount = doc["event_id"], doc["supplier_id"], doc["amount"]
    if type(event_id) is not str or not _EVENT_ID.fullmatch(event_id) or not _identifier(supplier_id) \
            or type(amount) is not int or not 1 <= amount <= MAX_AMOUNT:
        return None
    channel = _CHANNELS.get(doc["channel"]) if type(doc["channel"]) is str else None
    reference, state = doc.get("reference"), doc.get("state", "completed")
    if channel is None or not _text(reference, 100) or type(state) is not str or state not in _STATES:
        return None
    buyer = _buyer(doc["buyer"])
    when = _moment(doc["occurred_at"])
    if buyer is None or when is None:
        return None
    occurred_at, moment = when
    canonical = (f'{{"schema_version":1,"event_id":"{event_id}","occurred_at":"{moment}","type":"purchase.recorded",'
                 f'"buyer":{{"id":"{buyer.id}","kind":"{buyer.kind.value}","name":{_json(buyer.name)},'
                 f'"region":"{buyer.region}"}},"supplier_id":"{supplier_id}","amount":{amount},"currency":"IDR",'
                 f'"channel":"{channel.value}","reference":{_json(reference)},"lines":null'
                 + ("}" if state == "completed" else f',"state":"{state}"}}'))
    return PlainPurchase(event_id, occurred_at, buyer, supplier_id, amount, channel, reference, state,
                         canonical.encode())


def _buyer(doc) -> PlainBuyer | None:
    if type(doc) is not dict or not {"id", "kind", "region"} <= doc.keys() <= _BUYER:
        return None
    kind = _KINDS.get(doc["kind"]) if type(doc["kind"]) is str else None
    region, name = doc["region"], doc.get("name")
    if kind is None or not _identifier(doc["id"]) or type(region) is not str or not _REGION.fullmatch(region) \
            or not _text(name, 200):
        return None
    return PlainBuyer(doc["id"], kind, name, region)


def _moment(text) -> tuple[datetime, str] | None:
    """The moment and the text pydantic writes for it: the same, with `Z` for a zero offset."""
    match = _MOMENT.fullmatch(text) if type(text) is str else None
    if match is None or not EARLIEST <= int(match[1]) <= LATEST:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    offset = match[2]
    if offset in ("Z", "+00:00", "-00:00"):
        return moment, text[:19] + "Z"
    return moment, text


def _identifier(value) -> bool:
    return type(value) is str and 1 <= len(value) <= 64 and _plain(value)


def _text(value, longest: int) -> bool:
    """None, or plain text of at most `longest` characters."""
    return value is None or (type(value) is str and len(value) <= longest and _plain(value))


def _plain(value: str) -> bool:
    return _PLAIN_TEXT.fullmatch(value) is not None


def _json(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'
