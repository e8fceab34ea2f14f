"""The deliberate mistakes in the demo's purchase stream, as real senders make them: exact re-sends,
the same event id with other content, schema violations (some fixed and sent again) and broken
JSON."""

from datetime import date
from random import Random

import orjson

from schemas.codes import RejectReason
from streams.tools.demo_data.draw import percent
from streams.tools.demo_data.places import DemoBuyer
from streams.tools.demo_data.purchases import Ctx, purchase
from streams.tools.demo_data.records import APPLIED, DUPLICATE, STEP, Booked, Slot, dumps, purchase_record

def _originals(ctx: Ctx, base: list[Booked], reversals: list[Booked], n: int) -> list[Booked]:
    """Mostly purchases, some reversals: senders retry both."""
    from_reversals = min(len(reversals), n // 8)
    return ctx.rng.sample(base, n - from_reversals) + ctx.rng.sample(reversals, from_reversals)


def duplicates(ctx: Ctx, base: list[Booked], reversals: list[Booked], n: int) -> list[Slot]:
    """Re-sends of booked events: the same content, 30 percent of them with keys reordered and indented."""
    slots = []
    for original in _originals(ctx, base, reversals, n):
        value = original.value
        if percent(ctx.rng, 30):  # same content, other key order and layout: still the same event
            value = orjson.dumps(dict(reversed(original.event.items())), option=orjson.OPT_INDENT_2)
        slots.append(Slot(ctx.later(original.pos), ctx.seq(), purchase_record(original.key, value, DUPLICATE)))
    return slots


def conflicts(ctx: Ctx, base: list[Booked], reversals: list[Booked], n: int) -> list[Slot]:
    """The same event_id sent again with other content, e.g. a price "corrected" in place."""
    slots = []
    for original in _originals(ctx, base, reversals, n):
        event = dict(original.event)
        if event["type"] == "purchase.recorded":
            event.pop("lines", None)  # lines would no longer add up
            event["amount"] = original.amount + original.amount // 10 + 500
        else:
            event["reason"] = "Koreksi: " + event.get("reason", "pembatalan")
        value = dumps(event)
        slots.append(Slot(ctx.later(original.pos), ctx.seq(),
                          purchase_record(original.key, value, RejectReason.CONFLICTING_DUPLICATE.value)))
    return slots


def _fresh_purchase(ctx: Ctx) -> tuple[int, DemoBuyer, dict]:
    """A purchase that is not one of the base purchases, at a random place in the stream."""
    buyer, pos = ctx.rng.choice(ctx.buyers), ctx.rng.randrange(len(ctx.times) * STEP)
    when = ctx.time_at(pos)
    return pos, buyer, purchase(ctx, buyer, when, date.fromisoformat(when[:10]))


def schema_violations(ctx: Ctx, n: int, resends: int) -> list[Slot]:
    """Float and string amounts and missing fields; some are fixed and sent again with the same id."""
    slots = []
    for k in range(n):
        pos, buyer, event = _fresh_purchase(ctx)
        key = buyer.id.encode()
        value = _violate(ctx.rng, event, k % 3)
        slots.append(Slot(pos, ctx.seq(), purchase_record(key, value, RejectReason.SCHEMA_VIOLATION.value)))
        if k < resends:
            slots.append(Slot(ctx.later(pos), ctx.seq(), purchase_record(key, dumps(event), APPLIED)))
    return slots


def _violate(rng: Random, event: dict, how: int) -> bytes:
    # Edited as text, so no float ever holds a rupiah amount in this program.
    good = dumps(event)
    amount = b'"amount":%d' % event["amount"]
    if how == 0:
        return good.replace(amount, amount + rng.choice((b".0", b".5", b".25")), 1)
    if how == 1:
        return good.replace(amount, b'"amount":"%d"' % event["amount"], 1)
    broken = dict(event)
    del broken[rng.choice(("currency", "channel", "supplier_id", "amount", "occurred_at", "buyer"))]
    return dumps(broken)


def broken_json(ctx: Ctx, n: int) -> list[Slot]:
    """Purchases that do not parse: cut off, hand-edited, Latin-1, or two glued together."""
    slots = []
    for k in range(n):
        pos, buyer, event = _fresh_purchase(ctx)
        slots.append(Slot(pos, ctx.seq(), purchase_record(buyer.id.encode(), _break(ctx.rng, dumps(event), k % 4),
                                                          RejectReason.INVALID_JSON.value)))
    return slots


def _break(rng: Random, raw: bytes, how: int) -> bytes:
    if how == 0:  # cut off in transit
        return raw[: rng.randrange(1, len(raw) - 1)]
    if how == 1:  # a hand-edited export
        return raw[:-1] + b",}"
    if how == 2:  # Latin-1 from an old desktop application, not UTF-8
        return raw.replace(b'"currency":"IDR"', b'"currency":"IDR","note":"Caf\xe9"', 1)
    return raw + raw  # two records glued together
