"""Events on `kuota.targets.v1`: programs officers define, budgets agencies declare and the
packages they plan (`allocation.planned`, in `schemas.allocation`).

Frozen, unknown fields forbidden, money in whole rupiah and shares in basis points
(3000 = 30%), never floats. `events_from_document` turns an officer's hand-written file
(TOML or YAML, already parsed into a dict) into these events with derived, stable ids.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StrictBool, StrictInt, StringConstraints, TypeAdapter
from pydantic import ValidationError, model_validator

from schemas.allocation import RULES as ALLOCATION_RULES
from schemas.allocation import AllocationPlanned, allocation_key
from schemas.codes import BuyerKind, Channel, Scale
from schemas.directory import RULES as DIRECTORY_RULES
from schemas.directory import BuyerDescribed, directory_key
from schemas.events import (ADDITIONS, EARLIEST, LATEST, Event, EventId, Frozen, Identifier, RegionCode, ShortText,
                            unset_additions)


ProgramId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{2,39}$")]
ProgramKind = Literal["amount", "share", "share_of_budget"]
PeriodKind = Literal["year", "quarter", "month"]
Measure = Literal["verified", "declared"]
BasisPoints = Annotated[StrictInt, Field(ge=1, le=10_000, description="basis points: 3000 = 30%")]
# A region's or a ministry's money can exceed the 10^13 cap of a single purchase.
LargeRupiah = Annotated[StrictInt, Field(ge=1, le=10**15, description="whole rupiah")]
NonNegativeRupiah = Annotated[StrictInt, Field(ge=0, le=10**15, description="whole rupiah")]
Year = Annotated[StrictInt, Field(ge=EARLIEST, le=LATEST)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Threshold(Frozen):
    """Exactly one of: an amount (kind `amount`) or a share in basis points (the share kinds)."""

    amount: LargeRupiah | None = None
    share_bp: BasisPoints | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.amount is None) == (self.share_bp is None):
            raise ValueError("give exactly one of amount or share_bp")
        return self


class AppliesTo(Frozen):
    """Buyers listed by id, plus every buyer matching `kind` and `region` when either is given."""

    buyers: tuple[Identifier, ...] = ()
    kind: BuyerKind | None = None
    region: RegionCode | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not self.buyers and self.kind is None and self.region is None:
            raise ValueError("name buyers, a buyer kind or a region")
        return self


class EligibleSuppliers(Frozen):
    """Which suppliers' sales count, by their class on the purchase date.

    A supplier counts when its scale is listed, or when it is a cooperative and
    `cooperatives` is true; with `local_to_region`, only suppliers of that region count.
    Unregistered and lapsed suppliers never count.
    """

    scales: tuple[Scale, ...] = ()
    cooperatives: StrictBool = False
    local_to_region: RegionCode | None = None
    graduation_grace_days: Annotated[StrictInt, Field(ge=0, le=3660)] | None = Field(
        default=None, description="days a partner reclassified besar still counts after the date of its new class "
                                  "(an addition to v1; default 365 for a program of companies, Peraturan BKPM "
                                  "3/2025, else 0)")

    @model_validator(mode="after")
    def _something_counts(self) -> Self:
        if not self.scales and not self.cooperatives:
            raise ValueError("list at least one scale or count cooperatives")
        return self


class Exclusion(Frozen):
    """Spend left out of the base: one channel, one line category or one purchase, with why."""

    channel: Channel | None = None
    category: Name | None = None
    event_id: EventId | None = None
    reason: Reason

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        if sum(x is not None for x in (self.channel, self.category, self.event_id)) != 1:
            raise ValueError("give exactly one of channel, category or event_id")
        return self


class StatusOptions(Frozen):
    """When a shortfall may raise an alarm before the period closes."""

    grace_days: Annotated[StrictInt, Field(ge=0, le=366)] = Field(
        default=7, description="no alarm in the first N days of a period")
    minimum_spend: NonNegativeRupiah = Field(
        default=0, description="no alarm while the total spend is below this; a closed period is judged anyway")
    at_risk_margin_bp: BasisPoints | None = Field(
        default=None, description="amount and share_of_budget: at_risk while the pace ends under required x (1+margin)",
    )


class YearRange(Frozen):
    first: Year
    last: Year | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.last is not None and self.last < self.first:
            raise ValueError("last is before first")
        return self


class ProgramDefined(Event):
    """A quota program: whose spend, against what threshold, per which period, counting which suppliers.

    Key on `kuota.targets.v1`: `program:<program_id>`; a later event for the same program replaces it.
    """

    type: Literal["program.defined"]
    program_id: ProgramId
    name: Name
    basis: ShortText | None = Field(default=None, description="legal basis, e.g. Perpres 12/2021 Pasal 65")
    region: RegionCode = Field(description="the program's region; its time zone cuts the periods")
    kind: ProgramKind
    scope: Literal["per_buyer", "combined"] = Field(
        default="per_buyer", description="each buyer against the threshold, or all covered buyers together")
    threshold: Threshold
    period: PeriodKind
    years: YearRange | None = None
    applies_to: AppliesTo
    eligible: EligibleSuppliers
    exclusions: tuple[Exclusion, ...] = ()
    status: StatusOptions = StatusOptions()
    measure: Measure = Field(
        default="verified",
        description="which realised UMK figure judges the program (an addition to v1): `verified`, spend with "
                    "suppliers kuota's registry classes as eligible on the purchase date; `declared`, the UMK value "
                    "the source records declare (SPSE nilai_umk_kontrak), as LKPP counts realisasi belanja UMK")
    active: StrictBool = Field(
        default=True, description="false switches the program off, e.g. a built-in national rule (an addition to v1)")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if (self.kind == "amount") != (self.threshold.amount is not None):
            raise ValueError("kind amount takes threshold.amount; the share kinds take threshold.share_bp")
        if self.kind == "share_of_budget" and (self.period != "year" or self.scope != "per_buyer"):
            raise ValueError("share_of_budget is per buyer and per fiscal year (period = year)")
        if self.kind == "share" and self.status.at_risk_margin_bp is not None:
            raise ValueError("a share is judged on itself; at_risk_margin_bp is for amount and share_of_budget")
        local, covered = self.eligible.local_to_region, self.applies_to.region
        if local is not None and covered is not None and local != covered:
            raise ValueError("local_to_region must be the region of the buyers it applies to")
        return self


class BudgetDeclared(Event):
    """An agency's procurement budget (pagu) for a fiscal year: the base of the 40% rule.

    Key on `kuota.targets.v1`: `budget:<agency_id>:<fiscal_year>`; a later event (e.g. after
    APBD-Perubahan) replaces it.
    """

    type: Literal["budget.declared"]
    agency_id: Identifier
    fiscal_year: Year
    budget: LargeRupiah = Field(description="procurement budget (pagu pengadaan) in whole rupiah")
    region: RegionCode | None = None
    name: ShortText | None = Field(default=None, description="the agency's name (an addition to v1)")


# `name` came after v1: a budget without it keeps the fingerprint and the derived id it had.
ADDITIONS[BudgetDeclared] = {"name": None}
ADDITIONS[ProgramDefined] = {"eligible.graduation_grace_days": None, "measure": "verified", "active": True}

TargetEvent = Annotated[ProgramDefined | BudgetDeclared | AllocationPlanned | BuyerDescribed,
                        Field(discriminator="type")]
TARGET_EVENT = TypeAdapter(TargetEvent)

#: Rules the models enforce that JSON Schema cannot state, for the schema descriptions.
RULES: dict[str, tuple[str, ...]] = {
    "program.defined": (
        "`kind` amount takes `threshold.amount` (rupiah); share and share_of_budget take `threshold.share_bp`.",
        "share_of_budget is per buyer with `period` year; `status.at_risk_margin_bp` is not allowed for kind share.",
        "`eligible.local_to_region`, when `applies_to.region` is given too, is the same region.",
        "Each exclusion names exactly one of channel, category or event_id, and a reason.",
    ),
    "budget.declared": ("`budget` is a JSON integer of whole rupiah.",),
    "allocation.planned": ALLOCATION_RULES,
    "buyer.described": DIRECTORY_RULES,
}


def target_key(event: ProgramDefined | BudgetDeclared | AllocationPlanned | BuyerDescribed) -> str:
    """Kafka key on the compacted topic: the latest event per key is the one in force."""
    if isinstance(event, ProgramDefined):
        return f"program:{event.program_id}"
    if isinstance(event, AllocationPlanned):
        return allocation_key(event)
    if isinstance(event, BuyerDescribed):
        return directory_key(event)
    return f"budget:{event.agency_id}:{event.fiscal_year}"


# --- officer documents -----------------------------------------------------------------------------

_SECTIONS = {"program": (ProgramDefined, "program.defined"), "budget": (BudgetDeclared, "budget.declared")}
_DERIVED = ("type", "schema_version", "event_id")


@dataclass(frozen=True)
class Problem:
    """One mistake in an officer's document: the entry (`budget` #2), the field in it, and what is wrong."""

    message: str
    section: str | None = None
    entry: int | None = None
    field: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        entry = f"{self.section} #{self.entry}" if self.entry else self.section
        where = " ".join(filter(None, (entry, ".".join(map(str, self.field)))))
        return f"{where}: {self.message}" if where else self.message


class DocumentInvalid(ValueError):
    """An officer's document with mistakes; `problems` holds every one, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


def events_from_document(doc: dict) -> tuple[ProgramDefined | BudgetDeclared, ...]:
    """Events of a parsed officer file: `[[program]]` and `[[budget]]` tables, optional `occurred_at`.

    Each entry holds the event's fields without `type`, `schema_version` and `event_id`; an entry
    without `occurred_at` takes the document's. The event id is derived from the program id (or
    agency and year) and a digest of the content: applying the same file twice sends the same
    events, an edited file sends new ones. Every bad entry is reported (DocumentInvalid), not only the first.
    """
    unknown = sorted(set(doc) - {"occurred_at", *_SECTIONS})
    problems = [Problem(f"unknown top-level key {k!r}", field=(k,)) for k in unknown]
    events = []
    for section, (model, kind) in _SECTIONS.items():
        entries = doc.get(section, [])
        if not isinstance(entries, list):
            problems.append(Problem(f"write each entry as [[{section}]] (a list of tables)", section))
            continue
        for n, entry in enumerate(entries, start=1):
            try:
                events.append(_event(model, kind, entry, doc.get("occurred_at")))
            except ValidationError as exc:
                problems += [Problem(_said(e), section, n, tuple(e["loc"])) for e in exc.errors()]
            except DocumentInvalid as exc:
                problems += [replace(p, section=section, entry=n) for p in exc.problems]
    if problems:
        raise DocumentInvalid(problems)
    return tuple(events)


def _said(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "not a field here; check its spelling"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] in ("missing", "value_error") or isinstance(error["input"], (dict, list)):
        return message
    return f"{message} (got {repr(error['input'])[:60]})"


def _event(model: type[Event], kind: str, entry: Any, occurred_at: Any) -> ProgramDefined | BudgetDeclared:
    if not isinstance(entry, dict):
        raise DocumentInvalid([Problem("each entry must be a table")])
    if given := [k for k in _DERIVED if k in entry]:
        raise DocumentInvalid([Problem(f"{', '.join(given)} are set by kuota; leave them out", field=(given[0],))])
    body = {"occurred_at": occurred_at, **entry}
    if body["occurred_at"] is None:
        raise DocumentInvalid([Problem("missing: give occurred_at at the top of the file or in the entry",
                                       field=("occurred_at",))])
    body = {k: _rfc3339(v) if k == "occurred_at" else v for k, v in body.items()}
    draft = model.model_validate({**body, "type": kind, "schema_version": 1, "event_id": "draft-id"})
    return model.model_validate({**draft.model_dump(mode="json"), "event_id": _derived_id(draft)})


def _rfc3339(value: Any) -> Any:
    # TOML and YAML parse timestamps into datetimes; the contract takes RFC 3339 text.
    return value.isoformat() if isinstance(value, datetime) else value


def _derived_id(event: ProgramDefined | BudgetDeclared) -> str:
    content = event.model_dump(mode="json", exclude={"event_id": True, **unset_additions(event)})
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    readable = f"{target_key(event)}:{digest[:12]}"
    if len(readable) <= 64 and all(c.isascii() and (c.isalnum() or c in "_.:-") for c in readable):
        return readable
    prefix = "program" if isinstance(event, ProgramDefined) else "budget"
    return f"{prefix}:{digest[:32]}"
