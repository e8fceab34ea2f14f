"""How an event becomes a ledger row, decided on plain values: whether it is new, a duplicate or a
conflicting duplicate; how much of a purchase a reversal may take back; and the entry and
registration rows themselves. The books call these inside their transaction; nothing here
reads or writes a database.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from operator import itemgetter

import orjson

from schemas.codes import RejectReason
from schemas.events import PurchaseRecorded, PurchaseReversed, SupplierRegistered
from schemas.plain import PlainPurchase
from ledger.rules.eligibility import derive_scale
from ledger.rules.fingerprint import fingerprint
from ledger.rules.periods import local_date, month_end, month_of
from ledger.rules.states import COMPLETED


class Seen(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICTING = "conflicting"


def seen(event_id: str, fingerprint: str, known: dict[str, str]) -> Seen:
    """The TigerBeetle rule: an id never kept is new; kept with the same content it is a
    duplicate (a no-op); kept with other content it is a conflict, never applied.
    `known` maps event ids already kept to their fingerprints."""
    kept = known.get(event_id)
    if kept is None:
        return Seen.NEW
    return Seen.DUPLICATE if kept == fingerprint else Seen.CONFLICTING


#: Additions that describe a purchase without changing what it counts for: the supplier's name as
#: its source gives it, and the planned package it realises.
DESCRIPTIONS = ("supplier_name", "plan_package")


def described_later(ev: PurchaseRecorded | PlainPurchase, kept: str) -> bool:
    """Whether `ev`, kept before under its id with the fingerprint `kept` and now arriving with
    other content, is that same purchase with descriptions its source did not carry then (a file
    imported again after kuota learned to read them): the same once they are taken away. Such a
    copy is a duplicate, not a conflict; a changed description of a purchase kept with one is."""
    bare = {name: None for name in DESCRIPTIONS if getattr(ev, name) is not None}
    return bool(bare) and isinstance(ev, PurchaseRecorded) and fingerprint(ev.model_copy(update=bare)) == kept


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an event is not booked: a reason code of the contract and a sentence for people."""

    reason: RejectReason
    message: str


def foreign_source(source: tuple[str, str], owner: str, buyer: str) -> Refusal:
    """A version of a source record sent for `buyer` while the version in force is `owner`'s."""
    return Refusal(RejectReason.SOURCE_OF_ANOTHER_BUYER,
                   f"source record {source[0]}/{source[1]} is a purchase of buyer {owner}; a purchase of buyer "
                   f"{buyer} cannot supersede it (for Toko Daring orders of a unit that changed id: import the "
                   f"region's satker master or budget structure first)")


def conflict(event_id: str) -> Refusal:
    return Refusal(RejectReason.CONFLICTING_DUPLICATE, f"event_id {event_id} was booked earlier with different content")


@dataclass(slots=True)
class Original:
    """What a reversal needs to know of the entry it points at (and what a batch remembers of
    each entry it has booked, to judge later records of the same batch)."""

    kind: str
    fingerprint: str
    buyer_id: str
    region: str
    supplier_id: str
    channel: str
    amount: int
    booked_on: date
    period: str
    state: str = COMPLETED
    source_system: str | None = None  # a reversal carries its purchase's source, without a version
    source_key: str | None = None
    source_version: int | None = None

    @property
    def source(self) -> tuple[str, str] | None:
        """The source record whose versions this entry belongs to; None for a purchase of its own."""
        return None if self.source_system is None else (self.source_system, self.source_key)


def original_of(row: dict) -> Original:
    return Original(row["kind"], row["fingerprint"], row["buyer_id"], row["region"], row["supplier_id"],
                    row["channel"], row["amount"], row["booked_on"], row["period"], row["state"],
                    row["source_system"], row["source_key"], row["source_version"])


def reversible(reverses: str, requested: int | None, original: Original | None,
               already_reversed: int, in_force_amount: int | None = None) -> int | Refusal:
    """Rupiah a reversal takes back from purchase `reverses`, or why it may not: the purchase must
    be booked, must not itself be a reversal, and no more than what remains of it may be taken
    back. `requested` None means everything that remains. For a purchase with versions what
    remains is of the version in force (`in_force_amount`), less every reversal of any version
    (`already_reversed`)."""
    if original is None:
        return Refusal(RejectReason.UNKNOWN_REVERSAL, f"no purchase {reverses} has been booked")
    if original.kind != "purchase":
        return Refusal(RejectReason.INVALID_REVERSAL, f"{reverses} is itself a reversal")
    remaining = (original.amount if in_force_amount is None else in_force_amount) - already_reversed
    amount = requested if requested is not None else remaining
    if amount <= 0 or amount > remaining:
        return Refusal(RejectReason.OVER_REVERSAL, f"asks to reverse {amount} of {reverses}, only {remaining} remains")
    return amount


#: An entry's columns in the order `purchase_entry` gives them; `recorded_at`, one moment for a
#: whole batch, is apart.
ENTRY_COLUMNS = ("event_id", "fingerprint", "kind", "buyer_id", "region", "supplier_id", "amount", "channel",
                 "occurred_at", "booked_on", "period", "late", "reverses", "reference", "note", "lines", "state",
                 "source_system", "source_key", "source_version", "declared_umk", "plan_package")
_ORIGINAL = itemgetter(*(ENTRY_COLUMNS.index(name) for name in Original.__slots__))


def purchase_entry(ev: PurchaseRecorded | PlainPurchase, fp: str, now: datetime) -> tuple:
    """The entry of a purchase, in `ENTRY_COLUMNS` order: its date in the buyer's region decides
    the period and, later, the supplier's class; `late` when the ledger learns of it after that
    month has closed; its state, the source record and version it copies, the UMK value that
    source declares and the planned package it realises. A tuple, not a dict: the books build one
    per purchase, by the thousand."""
    region = ev.buyer.region
    day = local_date(ev.occurred_at, region)
    lines = orjson.dumps([line.model_dump(mode="json") for line in ev.lines]).decode() if ev.lines else None
    src = ev.source
    return (ev.event_id, fp, "purchase", ev.buyer.id, region, ev.supplier_id, ev.amount, ev.channel.value,
            ev.occurred_at, day, month_of(day), now >= month_end(day, region), None, ev.reference, None, lines,
            ev.state, src.system if src else None, src.key if src else None, src.version if src else None,
            ev.declared_umk_amount, ev.plan_package)


def purchase_row(ev: PurchaseRecorded, fp: str, now: datetime) -> dict:
    """`purchase_entry` by column name, with `recorded_at`."""
    return dict(zip(ENTRY_COLUMNS, purchase_entry(ev, fp, now)), recorded_at=now)


def original_of_entry(entry: tuple) -> Original:
    """What later records see of an entry given in `ENTRY_COLUMNS` order."""
    return Original(*_ORIGINAL(entry))


def reversal_row(ev: PurchaseReversed, fp: str, now: datetime, original: Original, amount: int) -> dict:
    """The entry of a reversal: a negative amount in the original purchase's buyer, supplier,
    channel and period, so it moves the same position back. It carries that purchase's state
    and source record (not its version): a reversal follows the purchase, whichever version is
    in force."""
    return dict(
        event_id=ev.event_id, fingerprint=fp, kind="reversal", buyer_id=original.buyer_id,
        region=original.region, supplier_id=original.supplier_id, amount=-amount, channel=original.channel,
        occurred_at=ev.occurred_at, booked_on=original.booked_on, period=original.period, recorded_at=now,
        late=now >= month_end(original.booked_on, original.region), reverses=ev.reverses, reference=None,
        note=ev.reason, lines=None, state=original.state, source_system=original.source_system,
        source_key=original.source_key, source_version=None, declared_umk=None, plan_package=None,
    )


def buyer_row(ev: PurchaseRecorded | PlainPurchase) -> dict:
    return {"id": ev.buyer.id, "kind": ev.buyer.kind.value, "name": ev.buyer.name, "region": ev.buyer.region}


def registration_row(ev: SupplierRegistered, fp: str, now: datetime) -> dict:
    """One row of a supplier's classification history; without a declared scale it is derived
    from capital or annual sales (PP 7/2021) and marked so."""
    s = ev.supplier
    scale = s.scale.value if s.scale else derive_scale(s.capital, s.annual_sales).value
    return dict(
        event_id=ev.event_id, fingerprint=fp, supplier_id=s.id, name=s.name, region=s.region,
        district=s.district, sector=s.sector, scale=scale, scale_derived=s.scale is None,
        cooperative=s.cooperative.value if s.cooperative else None, capital=s.capital,
        annual_sales=s.annual_sales, valid_from=ev.valid_from, valid_to=ev.valid_to,
        occurred_at=ev.occurred_at, recorded_at=now,
    )
