"""What the demo generator hands out and passes between its parts: the records as sent on the wire
(`DemoRecord`, `DemoData`), the outcome each is meant to have, and the slots that order the
purchase stream before it is flattened into send order."""

from dataclasses import dataclass

import orjson

SUPPLIERS_TOPIC = "kuota.suppliers.v1"
PURCHASES_TOPIC = "kuota.purchases.v1"
APPLIED, DUPLICATE = "applied", "duplicate"
MIN_PURCHASES, MIN_SUPPLIERS = 500, 100

# Positions order the purchase stream: base purchase i sits at i * STEP, so refunds, re-sends and
# bad records can be slotted in between without renumbering.
STEP = 1024


@dataclass(frozen=True)
class DemoRecord:
    topic: str  # SUPPLIERS_TOPIC or PURCHASES_TOPIC
    key: bytes  # supplier id for suppliers, buyer id for purchases
    value: bytes  # the JSON bytes exactly as sent on the wire (may be deliberately invalid)
    intent: str  # "applied", "duplicate", or a reject reason code


@dataclass(frozen=True)
class DemoData:
    suppliers: tuple[DemoRecord, ...]  # send these first
    purchases: tuple[DemoRecord, ...]  # then these, in this order
    late_suppliers: tuple[DemoRecord, ...]  # registrations sent after the purchases

    def in_send_order(self) -> tuple[DemoRecord, ...]:
        return self.suppliers + self.purchases + self.late_suppliers


@dataclass
class Booked:
    """A purchase or reversal the generator expects to be applied: what later records refer to."""

    pos: int
    event: dict
    key: bytes
    value: bytes
    amount: int


@dataclass(frozen=True)
class Slot:
    pos: int
    seq: int
    record: DemoRecord


def dumps(event: dict) -> bytes:
    return orjson.dumps(event)


def purchase_record(key: bytes, value: bytes, intent: str) -> DemoRecord:
    return DemoRecord(PURCHASES_TOPIC, key, value, intent)


def with_intent(record: DemoRecord, intent: str) -> DemoRecord:
    return DemoRecord(record.topic, record.key, record.value, intent)
