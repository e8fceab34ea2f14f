"""Events kuota itself writes."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EventRejected(BaseModel):
    """A record that was not applied, with why. Written to `kuota.rejected.v1`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["event.rejected"] = "event.rejected"
    schema_version: Literal[1] = 1
    rejection_id: str
    source_topic: str
    partition: int
    offset: int
    received_at: datetime
    reason: str
    errors: tuple[str, ...]
    raw: str
    raw_encoding: Literal["utf-8", "base64"] = "utf-8"
    event_id: str | None = None


AlertStatus = Literal["breach", "at_risk", "recovered", "met"]


class ComplianceAlert(BaseModel):
    """A change of a buyer's status in a program and period. Written to `kuota.alerts.v1`, key buyer id.

    One alert per change of status: the same status is never announced twice for the same
    buyer, program and period, across restarts, replays and rebalances. `alert_id` is stable
    (`program:buyer:period:n`, n counting the changes), so a consumer can drop a repeated delivery.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["compliance.alert"] = "compliance.alert"
    schema_version: Literal[1] = 1
    alert_id: str
    program: str = Field(description="program_id of the program")
    buyer_id: str = Field(description="the buyer, or `*` for a program judged on all covered buyers together")
    period: str = Field(description="`2024`, `2024-Q1` or `2024-03`, cut in the program region's time zone")
    status: AlertStatus
    previous_status: AlertStatus | None = Field(default=None, description="the status before this change")
    actual: int = Field(description="eligible spend in whole rupiah")
    required: int = Field(description="what the threshold asks for, in whole rupiah")
    shortfall: int = Field(description="required - actual, never negative, in whole rupiah")
    share: str | None = Field(default=None, description="share programs: actual / base in percent, two "
                              "decimals, rounded down, as text (`29.99`); absent for amount programs")
    share_bp: int | None = Field(default=None, description="the same share in basis points (2999)")
    grade: str | None = Field(default=None, description="A+, A, B, C, D or F by percent of goal")
    late: bool = Field(default=False, description="detected after the period had closed")
    as_of: datetime = Field(description="the ledger state the evaluation read")
    detected_at: datetime
    measure: Literal["declared", "verified"] | None = Field(
        default=None, description="which realised UMK figure `actual` is (an addition to v1): `declared`, what the "
                                  "source records declare (LKPP's measure), or `verified` by kuota's registry")
    declared: int | None = Field(default=None, description="the UMK value the sources declare, whole rupiah "
                                                           "(an addition to v1)")
    verified: int | None = Field(default=None, description="spend with suppliers the registry classes eligible, "
                                                           "whole rupiah (an addition to v1)")


class RegistrationExpiring(BaseModel):
    """A supplier's registration entered the expiry window (`KUOTA_EXPIRING_DAYS`): once per
    registration. Written to `kuota.alerts.v1`, key supplier id (an event type added to v1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["registration.expiring"] = "registration.expiring"
    schema_version: Literal[1] = 1
    alert_id: str = Field(description="`expiring:<registration event_id>`")
    supplier_id: str
    supplier_name: str
    region: str
    registration: str = Field(description="event_id of the registration that lapses")
    valid_to: date = Field(description="the last day the registration holds")
    buyers: tuple[str, ...] = Field(default=(), description="buyers that bought from the supplier this year")
    detected_at: datetime


class PartnerGraduated(BaseModel):
    """A supplier a company counts for a program was reclassified `besar`: once per program,
    company and graduation. Written to `kuota.alerts.v1`, key buyer id (an event type added to v1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["partner.graduated"] = "partner.graduated"
    schema_version: Literal[1] = 1
    alert_id: str = Field(description="`graduated:<program>:<buyer>:<supplier>:<first day as besar>`")
    program: str
    buyer_id: str
    supplier_id: str
    supplier_name: str
    besar_from: date = Field(description="the first day of the supplier's class `besar`")
    counts_until: date = Field(description="the last day its sales still count for the program (the grace)")
    no_longer_counts_from: date = Field(description="the day after counts_until")
    detected_at: datetime
