"""An independent oracle: what kuota should report for a demo dataset, from the raw bytes alone.

Standard library only, written from CONTRACT.md and DOMAIN.md and deliberately not from `schemas`,
`ledger` or `streams`, so that a mistake shared by the system and its models cannot hide here too.
It recognises only the schema problems the demo generator makes (float or string amounts, missing
fields, a registration without a class); anything subtler is out of its reach.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

SUPPLIERS, PURCHASES = "kuota.suppliers.v1", "kuota.purchases.v1"
APPLIED, DUPLICATE = "applied", "duplicate"
MAX_AMOUNT = 10**13
UMKM_SCALES = frozenset({"mikro", "kecil", "menengah"})
# PP 7/2021 Pasal 35, upper bounds inclusive: (class, capital, annual sales).
PP7_LIMITS = (("mikro", 1_000_000_000, 2_000_000_000), ("kecil", 5_000_000_000, 15_000_000_000),
              ("menengah", 10_000_000_000, 50_000_000_000))
REQUIRED = {
    "purchase.recorded": ("schema_version", "event_id", "occurred_at", "buyer", "supplier_id", "amount",
                          "currency", "channel"),
    "purchase.reversed": ("schema_version", "event_id", "occurred_at", "reverses"),
    "supplier.registered": ("schema_version", "event_id", "occurred_at", "supplier", "valid_from"),
}
TOPIC_TYPES = {PURCHASES: ("purchase.recorded", "purchase.reversed"), SUPPLIERS: ("supplier.registered",)}
# Province prefixes of BPS codes outside WIB; everything else (Java, Sumatra) is WIB.
WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}


@dataclass
class Expected:
    outcomes: Counter  # applied, duplicate and each reject reason, over all records
    by_topic: dict[str, Counter]
    totals: dict[tuple[str, int], tuple[int, int]]  # (buyer, year) -> (net spend, eligible net spend)
    monthly: dict[tuple[str, str], tuple[int, int]]  # (buyer, "YYYY-MM") -> (net spend, eligible net spend)
    per_record: dict[str, tuple[str, ...]]  # "suppliers"/"purchases"/"late_suppliers" -> outcome of each record
    registry: "Registry"
    ledger: "Ledger"


def expected(data) -> Expected:
    registry, ledger = Registry(), Ledger()
    per_record = {
        "suppliers": tuple(registry.offer(rec.value) for rec in data.suppliers),
        "late_suppliers": tuple(registry.offer(rec.value) for rec in data.late_suppliers),
        "purchases": tuple(ledger.offer(rec.value) for rec in data.purchases),
    }
    by_topic = {
        SUPPLIERS: Counter(per_record["suppliers"] + per_record["late_suppliers"]),
        PURCHASES: Counter(per_record["purchases"]),
    }
    totals, monthly = spend(ledger.entries, registry)
    return Expected(by_topic[SUPPLIERS] + by_topic[PURCHASES], by_topic, totals, monthly, per_record, registry,
                    ledger)


# --- parsing and the schema checks the generator needs -------------------------------------------


def parse(raw: bytes | None, topic: str) -> tuple[dict | None, str | None]:
    """The event as a dict, or the reason it is rejected before its meaning is looked at."""
    try:
        event = json.loads(raw.decode("utf-8"))
    except (AttributeError, UnicodeDecodeError, json.JSONDecodeError):
        return None, "invalid_json"
    if not isinstance(event, dict):
        return None, "schema_violation"
    if event.get("type") not in TOPIC_TYPES[topic]:
        return None, "unknown_type"
    return event, schema_problem(event)


def schema_problem(event: dict) -> str | None:
    missing = [name for name in REQUIRED[event["type"]] if event.get(name) is None]
    if missing:
        return "schema_violation"
    if event["type"] == "supplier.registered":
        return _supplier_problem(event["supplier"])
    if event["type"] == "purchase.recorded":
        if not _whole_rupiah(event["amount"]) or _buyer_problem(event["buyer"]):
            return "schema_violation"
    elif "amount" in event and event["amount"] is not None and not _whole_rupiah(event["amount"]):
        return "schema_violation"
    return None


def _whole_rupiah(value) -> bool:
    # bool is an int in Python but not in JSON; a float or a string is never an amount.
    return type(value) is int and 1 <= value <= MAX_AMOUNT


def _buyer_problem(buyer) -> bool:
    return not isinstance(buyer, dict) or any(buyer.get(name) is None for name in ("id", "kind", "region"))


def _supplier_problem(supplier) -> str | None:
    if not isinstance(supplier, dict) or any(supplier.get(name) is None for name in ("id", "name", "region")):
        return "schema_violation"
    if all(supplier.get(name) is None for name in ("scale", "capital", "annual_sales")):
        return "schema_violation"
    return None


def _first_sighting(seen: dict[str, dict], event: dict) -> str | None:
    """Only applied events are remembered: a rejected event_id may be sent again, fixed."""
    earlier = seen.get(event["event_id"])
    if earlier is None:
        return None
    return DUPLICATE if earlier == event else "conflicting_duplicate"


# --- the supplier registry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    valid_from: date
    seq: int  # order of arrival: with the same valid_from the later one wins
    valid_to: date | None
    scale: str
    cooperative: str | None
    region: str


class Registry:
    def __init__(self) -> None:
        self.seen: dict[str, dict] = {}
        self.rows: dict[str, list[Row]] = defaultdict(list)

    def offer(self, raw: bytes) -> str:
        event, problem = parse(raw, SUPPLIERS)
        if problem:
            return problem
        again = _first_sighting(self.seen, event)
        if again:
            return again
        self.seen[event["event_id"]] = event
        s = event["supplier"]
        valid_to = date.fromisoformat(event["valid_to"]) if event.get("valid_to") else None
        self.rows[s["id"]].append(Row(date.fromisoformat(event["valid_from"]), len(self.seen), valid_to,
                                      scale_of(s), s.get("cooperative"), s["region"]))
        return APPLIED

    def eligible(self, supplier_id: str, day: date, scales=UMKM_SCALES, region: str | None = None) -> bool:
        """In force on the day (not lapsed) and of one of `scales`, or a cooperative of any size;
        with `region`, only a supplier registered in that region."""
        in_force = [row for row in self.rows.get(supplier_id, ()) if row.valid_from <= day]
        if not in_force:
            return False
        row = max(in_force, key=lambda r: (r.valid_from, r.seq))
        if row.valid_to is not None and day > row.valid_to:
            return False
        if region is not None and row.region != region:
            return False
        return row.scale in scales or row.cooperative is not None


def scale_of(supplier: dict) -> str:
    """The stated class, else PP 7/2021 by annual sales (an operating business) or by capital."""
    if supplier.get("scale"):
        return supplier["scale"]
    if supplier.get("annual_sales") is not None:
        return next((name for name, _, sales in PP7_LIMITS if supplier["annual_sales"] <= sales), "besar")
    return next((name for name, capital, _ in PP7_LIMITS if supplier["capital"] <= capital), "besar")


# --- the purchase ledger -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    buyer_id: str
    supplier_id: str
    day: date  # the purchase's local date; a reversal takes its purchase's
    amount: int  # negative for a reversal
    channel: str
    buyer_kind: str
    buyer_region: str


class Ledger:
    def __init__(self) -> None:
        self.seen: dict[str, dict] = {}
        self.purchases: dict[str, Entry] = {}
        self.remaining: dict[str, int] = {}
        self.entries: list[Entry] = []

    def offer(self, raw: bytes) -> str:
        event, problem = parse(raw, PURCHASES)
        if problem:
            return problem
        again = _first_sighting(self.seen, event)
        if again:
            return again
        if event["type"] == "purchase.recorded":
            outcome = self._purchase(event)
        else:
            outcome = self._reversal(event)
        if outcome == APPLIED:
            self.seen[event["event_id"]] = event
        return outcome

    def _purchase(self, event: dict) -> str:
        buyer = event["buyer"]
        day = local_date(event["occurred_at"], buyer["region"])
        entry = Entry(buyer["id"], event["supplier_id"], day, event["amount"], event["channel"], buyer["kind"],
                      buyer["region"])
        self.purchases[event["event_id"]] = entry
        self.remaining[event["event_id"]] = event["amount"]
        self.entries.append(entry)
        return APPLIED

    def _reversal(self, event: dict) -> str:
        target = event["reverses"]
        if target not in self.purchases:
            # A reversal of a reversal is its own reason; a never-booked id is unknown.
            return "invalid_reversal" if target in self.seen else "unknown_reversal"
        remaining = self.remaining[target]
        amount = event.get("amount")
        amount = remaining if amount is None else amount
        if amount <= 0 or amount > remaining:
            return "over_reversal"
        self.remaining[target] = remaining - amount
        original = self.purchases[target]
        self.entries.append(Entry(original.buyer_id, original.supplier_id, original.day, -amount, original.channel,
                                  original.buyer_kind, original.buyer_region))
        return APPLIED


def local_date(occurred_at: str, region: str) -> date:
    moment = datetime.fromisoformat(occurred_at)
    return moment.astimezone(zone_of(region)).date()


def zone_of(region: str) -> ZoneInfo:
    prefix = region[:2]
    return ZoneInfo("Asia/Makassar" if prefix in WITA else "Asia/Jayapura" if prefix in WIT else "Asia/Jakarta")


# --- the figures -----------------------------------------------------------------------------------


def spend(entries: list[Entry], registry: Registry):
    """Net and eligible net spend per buyer per year and per month, with the final registry."""
    totals: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    monthly: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        counts = registry.eligible(entry.supplier_id, entry.day)
        for cell in (totals[(entry.buyer_id, entry.day.year)], monthly[(entry.buyer_id, f"{entry.day:%Y-%m}")]):
            cell[0] += entry.amount
            cell[1] += entry.amount if counts else 0
    return ({k: (v[0], v[1]) for k, v in totals.items()}, {k: (v[0], v[1]) for k, v in monthly.items()})


def program_spend(state: Expected, *, year: int, kind: str, region: str, scales, local: bool,
                  excluded_channels=()) -> dict[str, tuple[int, int]]:
    """Per buyer of `kind` in `region`: (eligible, total) net spend in `year` for a program whose
    suppliers count by `scales` or as cooperatives, local to the region when `local`."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in state.ledger.entries:
        if e.day.year != year or e.buyer_kind != kind or e.buyer_region != region or e.channel in excluded_channels:
            continue
        cell = sums[e.buyer_id]
        cell[1] += e.amount
        if state.registry.eligible(e.supplier_id, e.day, frozenset(scales), region if local else None):
            cell[0] += e.amount
    return {b: (v[0], v[1]) for b, v in sums.items()}
