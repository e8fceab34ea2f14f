"""Event models of contract version 1. Frozen, unknown fields forbidden."""

import re
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from schemas.codes import BuyerKind, Channel, CooperativeType, Scale

MAX_AMOUNT = 10**13


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000; accepted here it would stop the ledger at the insert.
    if "\x00" in value:
        raise ValueError("text must not contain the NUL character (U+0000)")
    return value


Text = AfterValidator(_no_nul)
EventId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,64}$")]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64), Text]
RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Rupiah = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT, description="whole rupiah")]
NonNegativeRupiah = Annotated[StrictInt, Field(ge=0, le=10**15, description="whole rupiah")]
ShortText = Annotated[str, StringConstraints(max_length=200), Text]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), Text]
#: A planned package's code in its source (SIRUP `kd_rup`): what `allocation.planned` calls `package_id`.
PackageCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
# Far-off years are typos, and at the edges of the calendar a time-zone shift overflows.
EARLIEST, LATEST = 1900, 2999
Timestamp = Annotated[AwareDatetime, Field(description="RFC 3339 with offset")]
Day = Annotated[date, Field(strict=True, description="YYYY-MM-DD")]


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _within_calendar(value: date | datetime | None) -> date | datetime | None:
    if value is not None and not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"year {value.year} is outside {EARLIEST}-{LATEST}")
    return value


class Frozen(BaseModel):
    """Every contract model: immutable, and no field beyond the contract's."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Frozen):
    """Fields every event carries."""

    schema_version: Literal[1]
    event_id: EventId
    occurred_at: Timestamp

    _calendar = field_validator("occurred_at")(_within_calendar)

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _rfc3339_text(cls, value):
        # Lax parsing would take 1709608500 or "1709608500" as a Unix time; the contract says RFC 3339.
        if not isinstance(value, str) or not _RFC3339.match(value):
            raise ValueError("occurred_at must be RFC 3339 text, e.g. 2024-03-05T10:15:00+07:00")
        return value

    @field_validator("schema_version", mode="before")
    @classmethod
    def _integer_version(cls, value):
        if type(value) is not int:  # true and 1.0 compare equal to 1 but are not the integer 1
            raise ValueError("schema_version must be the integer 1")
        return value


class Buyer(Frozen):
    id: Identifier
    kind: BuyerKind
    name: ShortText | None = None
    region: RegionCode


class Line(Frozen):
    description: ShortText
    category: ShortText | None = None
    quantity: Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT)]
    unit_price: Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]


PurchaseState = Literal["completed", "pending", "void"]


class Source(Frozen):
    """Where a purchase was copied from: one record of another system, in one of its versions.
    Purchases naming the same `system` and `key` are versions of one purchase: only the highest
    `version` is in force, so a changed source record (an addendum, an order completed or
    cancelled, a corrected amount) corrects the purchase instead of adding a second one."""

    system: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,31}$")]
    key: Identifier
    version: Annotated[StrictInt, Field(ge=0, le=10**12)]


class PurchaseRecorded(Event):
    """A buyer paid a supplier. Key on `kuota.purchases.v1`: the buyer id."""

    type: Literal["purchase.recorded"]
    buyer: Buyer
    supplier_id: Identifier = Field(description="NIB (13 digits) or registry id")
    amount: Rupiah
    currency: Literal["IDR"]
    channel: Channel
    reference: Annotated[str, StringConstraints(max_length=100), Text] | None = None
    lines: tuple[Line, ...] | None = None
    # Additions to v1 (optional; an event without them means what it meant before).
    state: PurchaseState = Field(
        default="completed", description="completed counts toward totals and programs; pending is shown beside "
                                         "them (dalam proses); void never counts")
    source: Source | None = Field(default=None, description="the source record this purchase copies, and its "
                                                            "version: the highest version of a source record is in force")
    declared_umk_amount: NonNegativeRupiah | None = Field(
        default=None, description="the part the source credits to micro and small business (SPSE nilai_umk_kontrak)")
    supplier_name: Name | None = Field(
        default=None, description="the supplier's name as the source gives it (SPSE nama_penyedia, Toko Daring "
                                  "merchant_name): shown beside the id where the registry names no one; a name, "
                                  "never a size class")
    plan_package: PackageCode | None = Field(
        default=None, description="the planned package this purchase realises, by its code in the plan (SIRUP "
                                  "kd_rup, the package_id of allocation.planned)")

    @model_validator(mode="after")
    def _lines_add_up(self) -> Self:
        if self.lines is not None:
            total = sum(line.quantity * line.unit_price for line in self.lines)
            if total != self.amount:
                raise ValueError(f"lines add up to {total}, amount is {self.amount}")
        return self


#: Fields added to v1 after it was published, with the value that means "not given". An event
#: that leaves them at that value keeps the fingerprint it had before they existed.
ADDITIONS: dict[type[Event], dict[str, object]] = {
    PurchaseRecorded: {"state": "completed", "source": None, "declared_umk_amount": None, "supplier_name": None,
                       "plan_package": None},
}


_PLANS: dict[type, tuple] = {}  # per event type: (parents, name, empty) of each addition


def unset_additions(event: Event) -> dict:
    """The `exclude` argument of `model_dump` that leaves out every addition still at its "not
    given" value; a dotted name (`supplier.identifiers`) reaches into a nested object."""
    exclude: dict = {}
    plan = _PLANS.get(type(event))
    if plan is None:
        plan = _PLANS[type(event)] = tuple((tuple(path.split(".")[:-1]), path.split(".")[-1], empty)
                                           for path, empty in ADDITIONS.get(type(event), {}).items())
    for parents, name, empty in plan:
        owner, spec = event, exclude
        for part in parents:
            owner, spec = getattr(owner, part), spec.setdefault(part, {})
        if getattr(owner, name) == empty:
            spec[name] = True
    return exclude


class PurchaseReversed(Event):
    """A cancellation or refund of an earlier purchase, full or partial."""

    type: Literal["purchase.reversed"]
    reverses: EventId
    amount: Rupiah | None = Field(default=None, description="default: all that remains")
    reason: ShortText | None = None


NPWP_DIGITS = (15, 16)


def normalise_npwp(value: str) -> str:
    """An NPWP as its 16 digits: `01.234.567.8-431.000`, `012345678431000` and `0012345678431000`
    are one number (a 15-digit NPWP is the 16-digit one without its leading 0)."""
    digits = re.sub(r"[.\-\s]", "", value)
    if not digits.isdigit() or len(digits) not in NPWP_DIGITS:
        raise ValueError("npwp must be 15 or 16 digits, with or without its dots and dashes")
    return digits.zfill(16)


class SupplierIdentifiers(Frozen):
    """Numbers by which other systems know the supplier (an addition to v1): a purchase naming
    any of them is attributed to this supplier."""

    nib: Annotated[str, StringConstraints(pattern=r"^[0-9]{13}$")] | None = Field(
        default=None, description="Nomor Induk Berusaha, 13 digits")
    npwp: Annotated[str, AfterValidator(normalise_npwp)] | None = Field(
        default=None, description="tax number, 15 or 16 digits; dots and dashes accepted, kept as 16 digits")
    lkpp: Identifier | None = Field(default=None, description="LKPP's supplier code (SIKaP)")

    @model_validator(mode="after")
    def _one_given(self) -> Self:
        if self.nib is None and self.npwp is None and self.lkpp is None:
            raise ValueError("identifiers needs at least one of nib, npwp, lkpp")
        return self


class Supplier(Frozen):
    id: Identifier
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), Text]
    region: RegionCode
    district: ShortText | None = None
    sector: ShortText | None = None
    scale: Scale | None = None
    cooperative: CooperativeType | None = None
    capital: NonNegativeRupiah | None = Field(
        default=None, description="business capital excluding land and buildings"
    )
    annual_sales: NonNegativeRupiah | None = None
    identifiers: SupplierIdentifiers | None = None  # an addition to v1

    @model_validator(mode="after")
    def _scale_known(self) -> Self:
        if self.scale is None and self.capital is None and self.annual_sales is None:
            raise ValueError("scale is required unless capital or annual_sales is given")
        return self


class SupplierRegistered(Event):
    """A supplier's profile from `valid_from` on. Key on `kuota.suppliers.v1`: supplier id."""

    type: Literal["supplier.registered"]
    supplier: Supplier
    valid_from: Day
    valid_to: Day | None = None

    _days_in_calendar = field_validator("valid_from", "valid_to")(_within_calendar)

    @model_validator(mode="after")
    def _valid_range(self) -> Self:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


ADDITIONS[SupplierRegistered] = {"supplier.identifiers": None}


class SupplierMerged(Event):
    """An officer's finding that `other` is the same business as `keep` (data ganda): from now on
    every purchase of `other` counts as `keep`'s. Kept, never overwritten; `supplier.unmerged`
    undoes it. Key on `kuota.suppliers.v1`: `merge:<keep>:<other>`."""

    type: Literal["supplier.merged"]
    keep: Identifier
    other: Identifier
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200), Text]

    @model_validator(mode="after")
    def _two_suppliers(self) -> Self:
        if self.keep == self.other:
            raise ValueError("keep and other are the same supplier id")
        return self


class SupplierUnmerged(SupplierMerged):
    """Undoes a `supplier.merged` of the same `keep` and `other`. Key: `merge:<keep>:<other>`."""

    type: Literal["supplier.unmerged"]  # type: ignore[assignment]


class SupplierDistinct(Event):
    """An officer's finding that two suppliers that look alike are different businesses: the
    duplicates report no longer lists the pair. Key on `kuota.suppliers.v1`: `distinct:<a>:<b>`."""

    type: Literal["supplier.distinct"]
    suppliers: Annotated[tuple[Identifier, Identifier], Field(description="the two supplier ids")]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200), Text]

    @model_validator(mode="after")
    def _two_suppliers(self) -> Self:
        if self.suppliers[0] == self.suppliers[1]:
            raise ValueError("the two supplier ids are the same")
        return self


PurchaseEvent = Annotated[PurchaseRecorded | PurchaseReversed, Field(discriminator="type")]
SupplierEvent = Annotated[SupplierRegistered | SupplierMerged | SupplierUnmerged | SupplierDistinct,
                          Field(discriminator="type")]
SupplierLink = SupplierMerged | SupplierUnmerged | SupplierDistinct


def supplier_key(event: SupplierRegistered | SupplierLink) -> str:
    """Kafka key on the compacted suppliers topic: a registration by its supplier, an officer's
    finding by its pair, so neither compacts the other away."""
    if isinstance(event, SupplierRegistered):
        return event.supplier.id
    if isinstance(event, SupplierDistinct):
        return "distinct:" + ":".join(sorted(event.suppliers))
    return f"merge:{event.keep}:{event.other}"
