"""`buyer.described` on `kuota.targets.v1`: a buyer as a directory lists it (SIRUP's satker
master, a budget structure): its name, region and parent, and the other ids sources give it. A
work unit that Toko Daring names by its numeric SIRUP code (`D107-satker-123`) and SPSE by its
`kd_satker_str` (`D107-1.02.0.00.0.00.01.0000`) is one buyer: the ledger books a purchase sent
under an id in `also_known_as` under `buyer_id`, whichever arrives first."""

from typing import Literal, Self

from pydantic import Field, model_validator

from schemas.codes import BuyerKind
from schemas.events import Event, Identifier, RegionCode, ShortText


class BuyerDescribed(Event):
    """A buyer's entry in a directory. Key on `kuota.targets.v1`: `buyer:<buyer_id>`; a later
    event for the same buyer replaces its name, region and parent. An alias, once it names a
    buyer, keeps naming that buyer."""

    type: Literal["buyer.described"]
    buyer_id: Identifier
    kind: BuyerKind
    name: ShortText | None = None
    region: RegionCode
    parent_id: Identifier | None = Field(default=None, description="the unit it belongs to (SIRUP kd_satker induk)")
    also_known_as: tuple[Identifier, ...] = Field(
        default=(), max_length=20, description="other ids sources name this buyer by; purchases sent under them "
                                               "are booked to `buyer_id`")

    @model_validator(mode="after")
    def _aliases_are_others(self) -> Self:
        if self.buyer_id in self.also_known_as:
            raise ValueError("also_known_as lists other ids, not buyer_id itself")
        if len(set(self.also_known_as)) != len(self.also_known_as):
            raise ValueError("also_known_as lists each id once")
        return self


RULES = (
    "`also_known_as` holds other ids of the same buyer (at most 20, none twice, not `buyer_id`); an id that already "
    "names another buyer keeps naming that one.",
)


def directory_key(event: BuyerDescribed) -> str:
    return f"buyer:{event.buyer_id}"
