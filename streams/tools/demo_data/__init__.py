"""A deterministic, realistic year of input for kuota: who buys from whom in Bekasi and Tangerang
Selatan, how suppliers are registered and reclassified, and the mistakes real senders make
(re-sends, refunds, broken records).

Pure: no I/O and no Kafka. The same seed gives the same bytes, so a run through the real stack can
be checked against an independent oracle (tests/e2e/oracle.py). Every record carries the outcome the
generator meant (`intent`): "applied", "duplicate" or a reject reason code. `generate` draws the
parts in a fixed order from one `Random`: suppliers and their registrations (suppliers), buyers
(places), base purchases (purchases), refunds (reversals), then re-sends and broken records
(mistakes); changing that order changes every byte after it.
"""

from datetime import date
from random import Random

from streams.tools.demo_data.mistakes import broken_json, conflicts, duplicates, schema_violations
from streams.tools.demo_data.places import HOME_REGIONS, home_buyers
from streams.tools.demo_data.purchases import Ctx, base_purchases
from streams.tools.demo_data.records import (APPLIED, DUPLICATE, MIN_PURCHASES, MIN_SUPPLIERS, PURCHASES_TOPIC,
                                             SUPPLIERS_TOPIC, DemoData, DemoRecord, Slot, purchase_record)
from streams.tools.demo_data.reversals import reversal_chains, unknown_reversals
from streams.tools.demo_data.suppliers import populate, registrations, supplier_pools

__all__ = ["APPLIED", "DUPLICATE", "HOME_REGIONS", "MIN_PURCHASES", "MIN_SUPPLIERS", "PURCHASES_TOPIC",
           "SUPPLIERS_TOPIC", "DemoData", "DemoRecord", "generate"]

# How many of each kind of record per 10,000 purchase records, and the least of each.
_RATES = {"full": 100, "partial": 100, "over": 20, "duplicate": 75, "conflict": 20, "unknown": 15,
          "schema": 45, "invalid_json": 15}
_MINIMUM = 3


def generate(seed: int = 2024, *, purchases: int = 40_000, suppliers: int = 3_000, year: int = 2024,
             until: date | None = None) -> DemoData:
    """A year of registrations and `purchases` purchase records (of all kinds) for `suppliers`
    businesses; with `until`, purchases fall only on days up to it (the current year so far)."""
    if purchases < MIN_PURCHASES or suppliers < MIN_SUPPLIERS:
        raise ValueError(f"need at least {MIN_PURCHASES} purchases and {MIN_SUPPLIERS} suppliers")
    rng = Random(seed)
    population = populate(rng, suppliers)
    early, late = registrations(rng, population, year)
    ctx = Ctx(rng, year, until, home_buyers(rng), {s.id: s for s in population}, supplier_pools(rng, population))
    return DemoData(tuple(early), tuple(_purchase_stream(ctx, purchases)), tuple(late))


def _counts(n: int) -> dict[str, int]:
    return {kind: max(_MINIMUM, n * rate // 10_000) for kind, rate in _RATES.items()}


def _purchase_stream(ctx: Ctx, n: int) -> list[DemoRecord]:
    counts = _counts(n)
    resends = counts["schema"] // 3  # a third of the schema violations are fixed and sent again
    base = base_purchases(ctx, n - sum(counts.values()) - resends)
    slots = [Slot(b.pos, ctx.seq(), purchase_record(b.key, b.value, APPLIED)) for b in base]
    chain_slots, reversals = reversal_chains(ctx, base, counts)
    slots += chain_slots
    slots += duplicates(ctx, base, reversals, counts["duplicate"])
    slots += conflicts(ctx, base, reversals, counts["conflict"])
    slots += unknown_reversals(ctx, counts["unknown"])
    slots += schema_violations(ctx, counts["schema"], resends)
    slots += broken_json(ctx, counts["invalid_json"])
    slots.sort(key=lambda slot: (slot.pos, slot.seq))
    assert len(slots) == n, (len(slots), n)
    return [slot.record for slot in slots]
