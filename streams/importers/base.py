"""What every import format provides, and what a mapping returns.

A format reads a file as a stream of source records (never the whole file in memory), says
from the first record's fields whether a file is its own, and maps each record on its own to
contract events (plain JSON-ready dicts, validated by `schemas.decode` before they are sent) or
to the reason it is not imported. The import command does the rest: detection, exact copies
within a file, the summary, sending (`streams.importers.run`).
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO, Protocol

import ijson


@dataclass(frozen=True, slots=True)
class NotImported:
    """Why one source record becomes no event: a stable code (`failed_order`, `no_budget_line`,
    `currency_not_idr`, `unknown_klpd`, `missing_field`, ...) and a sentence that says what to do."""

    reason: str
    detail: str


@dataclass
class Context:
    """What a mapping may know beyond its record: the region asked for on the command line, the
    names and ids learned from earlier records of the run, and the file's name."""

    region: str | None = None  # --region: the BPS code of every buyer in the file(s)
    file: str = ""
    seen: dict = field(default_factory=dict)  # per-format memory within a run (e.g. satker joins)


class Format(Protocol):
    name: str  # as given to --format, e.g. "spse-kontrak"
    title: str  # one line for people: "SPSE contracts (tender and non-tender)"

    def detects(self, first: dict) -> bool:
        """Whether a file whose first record is `first` is in this format."""

    def records(self, stream: BinaryIO) -> Iterator[dict]:
        """The file's source records in order (a streaming parse)."""

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        """The contract events of one record, or why it has none."""


def array_items(stream: BinaryIO) -> Iterator[dict]:
    """The items of a top-level JSON array, one at a time; numbers stay exact (Decimal)."""
    yield from ijson.items(stream, "item", use_float=False)


class JsonArrayFormat:
    """A format whose file is one JSON array of records, known by its first record's fields: the file
    is this format's when that record holds every field of any one set in `detected_by`."""

    name: str
    title: str
    detected_by: tuple[set[str], ...]

    def detects(self, first: dict) -> bool:
        return any(fields <= first.keys() for fields in self.detected_by)

    def records(self, stream: BinaryIO) -> Iterator[dict]:
        return array_items(stream)


def whole_rupiah(value) -> int | None:
    """An amount in rupiah, sen rounded half up per record (`199439382.23` -> 199439382,
    `0.5` -> 1); None when the value is missing or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        return None


def event_id(system: str, *natural_key) -> str:
    """A stable event id from a source's natural key: the same record always gets the same id,
    so importing a file twice books nothing twice. Fits the contract's 8-64 characters."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in natural_key).encode()).hexdigest()[:32]
    return f"{system}:{digest}"
