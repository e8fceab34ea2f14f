"""Shapes of the officers' API responses (OpenAPI). Money is integer rupiah; shares in basis points."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from ledger.reports.standings import ComplianceLine
from ledger.reports.suppliers import SupplierLine


class Health(BaseModel):
    ledger: str
    last_evaluation: datetime | None


class Programs(BaseModel):
    total: int
    items: list[dict[str, Any]]


class Totals(BaseModel):
    actual: int
    required: int
    shortfall: int
    total: int


class Compliance(BaseModel):
    total: int
    limit: int
    offset: int
    totals: Totals  # over every row that matches the filters, not only this page
    items: list[ComplianceLine]


class HistoryStep(BaseModel):
    status: str
    detected_at: datetime


class AlertRow(BaseModel):
    alert_id: str
    program: str
    buyer_id: str
    period: str
    status: str
    previous_status: str | None
    actual: int
    required: int
    shortfall: int
    share: str | None
    share_bp: int | None
    grade: str | None
    late: bool | None
    as_of: datetime
    detected_at: datetime
    published: bool
    history: list[HistoryStep]


class Alerts(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AlertRow]


class TrendRow(BaseModel):
    buyer_id: str
    period: str
    total: int
    eligible: int
    share_bp: int | None


class Trend(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[TrendRow]


class ProgramMonth(BaseModel):
    period: str
    actual: int
    total: int
    cumulative: int
    share_bp: int | None = None


class ProgramLine(BaseModel):
    program_id: str
    program: str
    kind: str
    threshold_bp: int | None
    threshold_amount: int | None
    points: list[ProgramMonth]


class Counted(BaseModel):
    counts: bool
    reason: str


class EntryRow(BaseModel):
    event_id: str
    kind: str
    supplier_id: str
    supplier_name: str | None
    amount: int
    channel: str
    booked_on: date
    occurred_at: datetime
    recorded_at: datetime
    late: bool
    # Why, when late: `imported` (copied later from a register that dated it: SPSE, e-Katalog, Toko
    # Daring, OCDS) or `sent_late` (by the buyer's own system or spreadsheet); null when booked in its month.
    late_reason: Literal["imported", "sent_late"] | None = None
    reverses: str | None
    supplier_class: str
    cooperative: bool
    local: bool
    state: str  # completed | pending | void: of the purchase (a reversal: of the purchase it reverses)
    not_counted: str | None  # pending | void | superseded; null when the entry counts
    programs: dict[str, Counted]
    # What the supplier's class rests on: the registry, LKPP's supplier profile, the source's own
    # declaration of a UMK value (never turned into a class), or nothing known.
    basis: Literal["registry", "lkpp_profile", "declaration", "unknown"] = "unknown"
    declared_umk: int | None = None  # the UMK value the source declares for the purchase


class Entries(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EntryRow]


class BuyerHeading(BaseModel):
    buyer_id: str
    name: str | None
    kind: str
    region: str


class BuyerPage(BaseModel):
    buyer: BuyerHeading
    standings: list[ComplianceLine]
    trend: list[TrendRow]
    programs: list[ProgramLine]
    entries: Entries


class Suppliers(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SupplierLine]


class PackageRow(BaseModel):
    package_id: str
    name: str
    pagu: int
    method: str | None
    reason: str | None  # why not UKM, or why excluded (as the source wrote it)


class AllocationRow(BaseModel):
    buyer_id: str
    name: str | None
    region: str | None
    fiscal_year: int
    budget_line: bool  # false: packages but no declared budget (the budget is null, never 0)
    budget: int | None
    packages: int
    planned_ukm: int
    planned_share_bp: int | None
    planned_non_ukm: int
    excluded: int
    realised: int
    realised_share_bp: int | None
    counted_by: str | None  # the share-of-budget program whose rule counted `realised`; null: the default 40% rule
    non_ukm_reasons: str
    non_ukm_packages: list[PackageRow]
    excluded_packages: list[PackageRow]


class Allocation(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AllocationRow]


class RealisingOrderRow(BaseModel):
    event_id: str
    reference: str | None  # the source's order number (e-Katalog kd_paket)
    booked_on: date
    state: Literal["completed", "pending"]  # of the version in force
    amount: int  # what remains after reversals
    supplier_id: str
    supplier_name: str | None  # the registry's name, else the latest a source gave
    supplier_class: str  # the registry's on the purchase date: a scale, unregistered or lapsed
    cooperative: bool
    declared_umk: int | None  # the UMK value the source declares of it
    umk_basis: Literal["registry", "declared"] | None  # null: UMK on neither basis
    umk: int  # the rupiah of it that is UMK spend


class PackageLineRow(BaseModel):
    buyer_id: str  # the agency whose plan holds the package (no plan: the orders' buyer)
    name: str | None
    region: str | None
    fiscal_year: int
    package_id: str  # the SIRUP package code (kd_rup)
    package: str | None  # null: no plan in the ledger holds this code
    pagu: int | None
    plan: Literal["ukm", "non_ukm", "excluded", "withdrawn"] | None
    finding: Literal["not_umk", "not_realised", "realised", "outside_ukm", "no_plan"]
    realised: int  # completed orders in force, net of reversals
    orders: int
    realised_umk: int  # of `realised`, UMK spend per the registry or as the source declares
    realised_not_umk: int
    pending: int
    pending_orders: int
    realised_by: str  # the suppliers of the completed orders, in words
    realising: list[RealisingOrderRow]


class Packages(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[PackageLineRow]


# HTTP ingest (`POST /api/v1/events`, streams/web/ingest.py).
class IngestReceipt(BaseModel):
    index: int  # the record's position in the request, from 0 (NDJSON: blank lines are not records)
    event_id: str | None  # null when the record names none that could be read
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str | None = None  # rejected only: forbidden, invalid_json, schema_violation, unknown_type, ...
    message: str | None = None  # rejected only: what is wrong, for the sender


class IngestAnswer(BaseModel):
    total: int
    accepted: int  # journaled by this request: the worker books them
    duplicate: int  # accepted before with the same content: nothing to do
    rejected: int
    receipts: list[IngestReceipt]


class Problem(BaseModel):
    detail: str  # one line that says what to do
