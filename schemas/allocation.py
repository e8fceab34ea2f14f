"""`allocation.planned` on `kuota.targets.v1`: one package of an agency's procurement plan
(SIRUP's RUP) for a fiscal year. Next to the declared budget it shows what an agency planned to
reserve for small business before any money was spent: the allocation side of the 40% rule."""

from typing import Annotated, Literal, Self

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from schemas.events import EARLIEST, LATEST, Event, Identifier, PackageCode, RegionCode, ShortText, Text

PackageId = PackageCode  # a purchase names the package it realises by this code (`plan_package`)
# SIRUP's package names and reasons run past 200 characters (255 seen).
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), Text]
Year = Annotated[StrictInt, Field(ge=EARLIEST, le=LATEST)]
Pagu = Annotated[StrictInt, Field(ge=0, le=10**15, description="whole rupiah")]


class AllocationPlanned(Event):
    """A planned procurement package of an agency (SIRUP RUP): its ceiling (pagu), whether it is
    reserved for micro and small business (UKM) and, if not, why; whether it is excluded from the
    procurement rules; withdrawn when the source deleted or deactivated it (it then counts for nothing).

    Key on `kuota.targets.v1`: `allocation:<agency_id>:<fiscal_year>:<package_id>`; a later event for
    the same package replaces it.
    """

    type: Literal["allocation.planned"]
    agency_id: Identifier
    agency_name: ShortText | None = None
    fiscal_year: Year
    package_id: PackageId = Field(description="the source's package code (SIRUP kd_rup)")
    name: LongText
    pagu: Pagu = Field(description="the package's ceiling in whole rupiah")
    ukm: StrictBool = Field(description="reserved for micro and small business (SIRUP status_ukm UKM)")
    reason_non_ukm: LongText | None = Field(default=None, description="why not (SIRUP alasan_non_ukm)")
    excluded: StrictBool = Field(default=False, description="excluded from the procurement rules "
                                                            "(SIRUP status_dikecualikan)")
    reason_excluded: LongText | None = None
    method: ShortText | None = Field(default=None, description="procurement method, e.g. E-Purchasing, Tender")
    procurement_type: ShortText | None = Field(default=None, description="Barang, Pekerjaan Konstruksi, ...")
    region: RegionCode | None = None
    withdrawn: StrictBool = Field(default=False, description="deleted or deactivated at the source")

    @model_validator(mode="after")
    def _reasons_fit(self) -> Self:
        if self.ukm and self.reason_non_ukm is not None:
            raise ValueError("reason_non_ukm is for a package that is not UKM")
        if not self.excluded and self.reason_excluded is not None:
            raise ValueError("reason_excluded is for an excluded package")
        return self


RULES = (
    "`pagu` is a JSON integer of whole rupiah (0 allowed: a package without a ceiling yet).",
    "`reason_non_ukm` only when `ukm` is false; `reason_excluded` only when `excluded` is true.",
)


def allocation_key(event: AllocationPlanned) -> str:
    return f"allocation:{event.agency_id}:{event.fiscal_year}:{event.package_id}"
