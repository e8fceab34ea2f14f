"""Refunds and cancellations in the demo year: chains of reversals against booked purchases (full,
partial, and over-reversals that must be rejected) and reversals of purchases kuota never saw."""

from random import Random

from schemas.codes import RejectReason
from streams.tools.demo_data.draw import percent, rupiah
from streams.tools.demo_data.purchases import AMOUNTS, Ctx
from streams.tools.demo_data.records import APPLIED, STEP, Booked, Slot, dumps, purchase_record

_REVERSAL_REASONS = ("Pesanan dibatalkan", "Barang tidak sesuai spesifikasi", "Retur sebagian barang rusak",
                     "Kelebihan bayar", "Salah input nominal", "Pembatalan paket oleh PPK")


def _chain_plan(counts: dict[str, int]) -> list[tuple[str, ...]]:
    """Sequences of reversals per purchase, adding up to the wanted number of each step."""
    over_alone = counts["over"] // 3
    over_after_full = counts["over"] // 3
    over_after_partial = counts["over"] - over_alone - over_after_full
    full, partial = counts["full"] - over_after_full, counts["partial"] - over_after_partial
    both = min(full, partial) // 4  # partial refund, then the rest cancelled
    return ([("over",)] * over_alone + [("full", "over")] * over_after_full
            + [("partial", "over")] * over_after_partial + [("partial", "full")] * both
            + [("full",)] * (full - both) + [("partial",)] * (partial - both))


def reversal_chains(ctx: Ctx, base: list[Booked], counts: dict[str, int]) -> tuple[list[Slot], list[Booked]]:
    """Reversals of some base purchases, in chains (slots), and those meant to be applied."""
    plan = _chain_plan(counts)
    slots, applied = [], []
    for steps, original in zip(plan, ctx.rng.sample(base, len(plan))):
        pos, remaining = original.pos, original.amount
        for step in steps:
            pos = ctx.later(pos)
            amount, intent = _reversal_amount(ctx.rng, step, original.amount, remaining)
            event = _reversal(ctx, original.event["event_id"], ctx.time_at(pos), amount)
            value = dumps(event)
            slots.append(Slot(pos, ctx.seq(), purchase_record(original.key, value, intent)))
            if intent == APPLIED:
                taken = remaining if amount is None else amount
                remaining -= taken
                applied.append(Booked(pos, event, original.key, value, taken))
    return slots, applied


def _reversal_amount(rng: Random, step: str, original: int, remaining: int) -> tuple[int | None, str]:
    """The amount field of one reversal (None: all that remains) and what it should come to."""
    if step == "full":
        return (remaining if percent(rng, 33) else None), APPLIED
    if step == "partial":  # a part, in tenths, rounded to Rp 500
        return max(1, remaining * rng.randint(1, 9) // 10 // 500 * 500), APPLIED
    if remaining == 0:
        return (None if percent(rng, 50) else rng.choice((500, original))), RejectReason.OVER_REVERSAL.value
    return remaining + rng.choice((1, 500, remaining // 2 + 1, original)), RejectReason.OVER_REVERSAL.value


def _reversal(ctx: Ctx, reverses: str, when: str, amount: int | None) -> dict:
    event = {"type": "purchase.reversed", "schema_version": 1,
             "event_id": f"RV-{ctx.year}-{ctx.event_number():07d}", "occurred_at": when, "reverses": reverses}
    if amount is not None:
        event["amount"] = amount
    if percent(ctx.rng, 80):
        event["reason"] = ctx.rng.choice(_REVERSAL_REASONS)
    return event


def unknown_reversals(ctx: Ctx, n: int) -> list[Slot]:
    """Reversals of last year's purchases that never reached kuota."""
    slots = []
    for _ in range(n):
        buyer, pos = ctx.rng.choice(ctx.buyers), ctx.rng.randrange(len(ctx.times) * STEP)
        reverses = f"TD-{ctx.year - 1}-{ctx.rng.randrange(10**7):07d}"
        amount = rupiah(ctx.rng, *AMOUNTS["toko_daring"]) if percent(ctx.rng, 50) else None
        value = dumps(_reversal(ctx, reverses, ctx.time_at(pos), amount))
        record = purchase_record(buyer.id.encode(), value, RejectReason.UNKNOWN_REVERSAL.value)
        slots.append(Slot(pos, ctx.seq(), record))
    return slots
