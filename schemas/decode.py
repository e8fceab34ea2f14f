"""Raw bytes in, a model or a rejection out: the one boundary between wire and code."""

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from schemas.codes import RejectReason
from schemas.events import Event, PurchaseEvent, SupplierEvent
from schemas.targets import TARGET_EVENT

MAX_RECORD_BYTES = 1_000_000

_ADAPTERS: dict[str, TypeAdapter] = {
    "purchases": TypeAdapter(PurchaseEvent),
    "suppliers": TypeAdapter(SupplierEvent),
    "targets": TARGET_EVENT,
}


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why a record could not become an event (errors are data, not exceptions)."""

    reason: RejectReason
    errors: tuple[str, ...]


def decode(kind: str, raw: bytes | None) -> Event | Invalid:
    """Validate one record of an input topic (`purchases`, `suppliers` or `targets`)."""
    if raw is None:
        return Invalid(RejectReason.INVALID_JSON, ("empty record (no value)",))
    if len(raw) > MAX_RECORD_BYTES:
        return Invalid(RejectReason.TOO_LARGE, (f"{len(raw)} bytes, limit {MAX_RECORD_BYTES}",))
    try:
        return _ADAPTERS[kind].validate_json(raw)
    except ValidationError as exc:
        return _classify(exc)


def _classify(exc: ValidationError) -> Invalid:
    errors = exc.errors(include_url=False, include_input=False)
    kinds = {e["type"] for e in errors}
    if "json_invalid" in kinds or "json_type" in kinds:
        reason = RejectReason.INVALID_JSON
    elif "union_tag_invalid" in kinds or any(e["loc"] == ("type",) and e["type"] == "literal_error" for e in errors):
        reason = RejectReason.UNKNOWN_TYPE
    else:
        reason = RejectReason.SCHEMA_VIOLATION
    return Invalid(reason, tuple(_describe(e) for e in errors[:20]))


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(record)"
    return f"{where}: {error['msg']}"
