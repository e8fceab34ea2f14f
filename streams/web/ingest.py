"""`POST /api/v1/events`: systems send contract events with their API key.

Each record is decoded exactly as the worker decodes it, checked against what the key may send,
and the valid, allowed ones are journaled. The answer, one receipt per record, comes only after
the commit: "accepted" means kept, and the relay sends it on until the ledger has booked it.

A buyer key sends `purchase.recorded` of its own buyer and `purchase.reversed` of a purchase kuota
knows to be its buyer's (booked, accepted before, or earlier in the same request); a reversal of a
purchase kuota does not know is `forbidden` as well, so a key cannot learn whether another buyer's
purchase exists, nor slip a reversal in ahead of that buyer's purchase. The registry key sends
`supplier.*`. A forbidden record gets its own receipt and the rest of the request goes on: a
request answers 403 as a whole only when its key may not send at all (no `ingest` scope).
"""

import hashlib
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger.books import idempotency, journal
from ledger.books.owners import buyers_of
from ledger.db import make_engine
from ledger.rules.access import Principal
from ledger.rules.fingerprint import fingerprint
from schemas.codes import RejectReason
from schemas.decode import Invalid, decode
from schemas.events import Event, PurchaseRecorded, PurchaseReversed, supplier_key
from schemas.topics import PURCHASES, SUPPLIERS
from streams.settings import Settings
from streams.web import responses as m
from streams.web.auth import REFUSALS, Ingesting

PATH = "/api/v1/events"
MAX_BODY = 5 * 1024 * 1024  # bytes of one request
MAX_RECORDS = 10_000
NDJSON = "application/x-ndjson"
FORBIDDEN = "forbidden"
_KINDS = (("purchase.", "purchases"), ("supplier.", "suppliers"))
_UNREAD = object()  # an NDJSON line that is not JSON: the decoder says so
_ATTEMPTS = 3  # a concurrent request journaling the same events or using the same key: look again
_TOO_LARGE = (f"permintaan melebihi {MAX_BODY:,} byte; kirim dalam beberapa permintaan / request over "
              f"{MAX_BODY:,} bytes (5 MiB): send it in several requests")
_SHAPE = (f"kirim larik JSON berisi peristiwa, atau NDJSON dengan Content-Type: {NDJSON} / send a JSON array "
          f"of events (one event too: [{{...}}]), or one event per line with Content-Type: {NDJSON}")


@dataclass(frozen=True)
class Upload:
    body: bytes
    ndjson: bool

    @property
    def digest(self) -> str:
        return hashlib.sha256((b"ndjson\n" if self.ndjson else b"json\n") + self.body).hexdigest()


async def _upload(request: Request) -> Upload:
    """The body, refused with 413 past MAX_BODY whether or not Content-Length says so."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, _TOO_LARGE)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise HTTPException(413, _TOO_LARGE)
        chunks.append(chunk)
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    return Upload(b"".join(chunks), media == NDJSON)


def records(upload: Upload) -> list[tuple[bytes, Any]]:
    """(raw bytes, parsed JSON) of each record: an array's elements re-serialised, or NDJSON's lines.
    Raises HTTPException 400 for a body that is not JSON, 413 past MAX_RECORDS."""
    if upload.ndjson:
        lines = [line.strip() for line in upload.body.split(b"\n") if line.strip()]
        _count(len(lines))
        return [(line, _parsed(line)) for line in lines]
    try:
        docs = orjson.loads(upload.body)
    except orjson.JSONDecodeError as exc:
        raise HTTPException(400, f"JSON tidak sah / malformed JSON: {exc}; {_SHAPE}") from None
    if not isinstance(docs, list):
        raise HTTPException(400, f"isi bukan larik / the body is not an array; {_SHAPE}")
    _count(len(docs))
    return [(orjson.dumps(doc), doc) for doc in docs]


def _count(n: int) -> None:
    if n > MAX_RECORDS:
        raise HTTPException(413, f"{n:,} peristiwa, batas {MAX_RECORDS:,} per permintaan / {n:,} events, at most "
                                 f"{MAX_RECORDS:,} a request: send them in several requests")


def _parsed(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return _UNREAD


def decode_one(raw: bytes, doc: Any) -> Event | Invalid:
    kind = "purchases"  # not an object, or no type: the decoder names what is wrong
    if isinstance(doc, dict) and isinstance(doc.get("type"), str):
        kind = next((k for prefix, k in _KINDS if doc["type"].startswith(prefix)), None)
        if kind is None:
            return Invalid(RejectReason.UNKNOWN_TYPE, (f"type {doc['type'][:60]!r}: {PATH} takes purchase.* "
                                                       f"and supplier.* events",))
    return decode(kind, raw)


def route_of(who: Principal, event: Event, owners: dict[str, str], earlier: dict[str, str]) -> tuple[str, str] | None:
    """(topic, key) of an event `who` may send, the key as `kuota emit` gives it; None: forbidden."""
    if isinstance(event, PurchaseRecorded):
        if not who.may_send_purchase(event.buyer.id):
            return None
        earlier.setdefault(event.event_id, event.buyer.id)
        return PURCHASES, event.buyer.id
    if isinstance(event, PurchaseReversed):
        owner = owners.get(event.reverses) or earlier.get(event.reverses)
        return (PURCHASES, owner) if owner is not None and who.may_send_purchase(owner) else None
    return (SUPPLIERS, supplier_key(event)) if who.may_send_supplier() else None


def _forbidden(who: Principal, event: Event) -> str:
    if isinstance(event, PurchaseRecorded) and who.buyer_id:
        return (f"kunci ini hanya untuk pembelian {who.buyer_id} / this key sends purchases of buyer "
                f"{who.buyer_id} only, not {event.buyer.id}")
    if isinstance(event, PurchaseReversed) and who.buyer_id:
        return ("hanya pembelian sendiri yang sudah diterima yang dapat dibatalkan / a key reverses only its own "
                "buyer's purchases that kuota has accepted (before, or earlier in this request)")
    if isinstance(event, PurchaseRecorded | PurchaseReversed):
        return "kunci registri hanya mengirim supplier.* / the registry key sends only supplier.* events"
    return "hanya kunci registri yang mengirim supplier.* / only the registry key sends supplier.* events"


def _rejected(index: int, event_id: Any, reason: str, message: str) -> dict:
    shown = event_id[:64] if isinstance(event_id, str) else None
    return {"index": index, "event_id": shown, "status": "rejected", "reason": reason, "message": message[:1000]}


@dataclass(frozen=True, slots=True)
class Decoded:
    raw: bytes
    event_id: Any  # as the record names it, for the receipt of a record that did not decode
    event: Event | Invalid
    fingerprint: str | None


def decoded(batch: list[tuple[bytes, Any]]) -> list[Decoded]:
    """Each record as the worker will read it, with its fingerprint: work done before the
    transaction, so the ledger is held only for the journal."""
    out = []
    for raw, doc in batch:
        event = decode_one(raw, doc)
        if isinstance(event, Invalid):
            out.append(Decoded(raw, doc.get("event_id") if isinstance(doc, dict) else None, event, None))
        else:
            out.append(Decoded(raw, event.event_id, event, fingerprint(event)))
    return out


def ingest(db: Session, who: Principal, batch: list[Decoded], now: datetime) -> dict:
    """Authorise and journal decoded records; the receipts and counts to answer with. Not committed."""
    owners = buyers_of(db, [r.event.reverses for r in batch if isinstance(r.event, PurchaseReversed)])
    earlier: dict[str, str] = {}
    receipts: list[dict] = []
    items, slots = [], []
    for index, record in enumerate(batch):
        event = record.event
        if isinstance(event, Invalid):
            receipts.append(_rejected(index, record.event_id, str(event.reason), "; ".join(event.errors)))
            continue
        route = route_of(who, event, owners, earlier)
        if route is None:
            receipts.append(_rejected(index, event.event_id, FORBIDDEN, _forbidden(who, event)))
            continue
        slots.append(len(receipts))
        receipts.append({"index": index, "event_id": event.event_id, "status": journal.ACCEPTED})
        items.append(journal.Item(event.event_id, record.fingerprint, route[0], route[1], record.raw))
    outcomes = journal.take(db, items, source="http", principal=who.actor, now=now) if items else []
    for slot, outcome in zip(slots, outcomes, strict=True):
        if outcome == journal.CONFLICT:
            receipts[slot] = _rejected(receipts[slot]["index"], receipts[slot]["event_id"],
                                       str(RejectReason.CONFLICTING_DUPLICATE),
                                       "event_id sudah dipakai untuk peristiwa lain / event_id already accepted "
                                       "with other content: give a new event_id, or send the original unchanged")
        else:  # a copy adding descriptions is a duplicate here: only the first copy is journaled and relayed
            receipts[slot]["status"] = journal.DUPLICATE_ITEM if outcome == journal.DESCRIBED else outcome
    counts = {status: 0 for status in ("accepted", "duplicate", "rejected")}
    for receipt in receipts:
        counts[receipt["status"]] += 1
    return {"total": len(receipts), **counts, "receipts": receipts}


def answer(db: Session, who: Principal, upload: Upload, key: str | None, serial=nullcontext()) -> Response:
    """The whole exchange: decode outside any transaction, then (under `serial`, the one-writer
    lock of SQLite) one transaction that gives a known Idempotency-Key's first answer again, or
    journals and keeps the answer with the journal rows, commits, and only then answers."""
    if key is not None and not 1 <= len(key) <= 200:
        raise HTTPException(422, "Idempotency-Key: 1 sampai 200 karakter / 1 to 200 characters")
    batch = decoded(records(upload))
    for attempt in range(_ATTEMPTS):
        with serial:
            try:
                return _once(db, who, upload, key, batch)
            except IntegrityError:
                db.rollback()
                if attempt == _ATTEMPTS - 1:
                    raise
            except BaseException:
                db.rollback()
                raise
    raise AssertionError("unreachable")  # the loop returns or raises


def _once(db: Session, who: Principal, upload: Upload, key: str | None, batch: list[Decoded]) -> Response:
    if key is not None and (prior := idempotency.recall(db, who.actor, key)) is not None:
        db.rollback()
        if prior.request_hash != upload.digest:
            raise HTTPException(422, "Idempotency-Key ini sudah dipakai untuk isi lain / this Idempotency-Key "
                                     "was used with another body: use a new key for new content")
        return Response(prior.response, prior.status_code, media_type="application/json",
                        headers={"Idempotent-Replayed": "true"})
    now = datetime.now(timezone.utc)
    payload = orjson.dumps(ingest(db, who, batch, now))
    if key is not None:
        idempotency.remember(db, who.actor, key, idempotency.Answer(upload.digest, 200, payload.decode()), now)
    db.commit()
    return Response(payload, 200, media_type="application/json")


_EXAMPLE = [{"schema_version": 1, "event_id": "pur-2024-000001", "occurred_at": "2024-03-05T10:15:00+07:00",
             "type": "purchase.recorded", "buyer": {"id": "dinkes-3216", "kind": "agency", "region": "3216"},
             "supplier_id": "9120001234567", "amount": 1250000, "currency": "IDR", "channel": "toko_daring"}]
_BODY = {"requestBody": {"required": True, "description": f"at most {MAX_RECORDS:,} events and {MAX_BODY:,} bytes",
                         "content": {
                             "application/json": {"schema": {"type": "array", "maxItems": MAX_RECORDS,
                                                             "items": {"type": "object", "description": (
                                                                 "an event of the contract: purchase.recorded, "
                                                                 "purchase.reversed or supplier.*")}},
                                                  "example": _EXAMPLE},
                             NDJSON: {"schema": {"type": "string", "description": "one event (JSON) per line"}}}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": m.Problem, "description": "the body is not JSON, or not an array"},
    401: {"model": m.Problem, **REFUSALS[401]}, 403: {"model": m.Problem, **REFUSALS[403]},
    413: {"model": m.Problem, "description": f"over {MAX_BODY:,} bytes or {MAX_RECORDS:,} events"},
    422: {"model": m.Problem, "description": "an Idempotency-Key used before with another body, or not 1-200 "
                                             "characters"},
    429: {"model": m.Problem, **REFUSALS[429]}}


class _Writer:
    """Ingest's own engine: on SQLite a writer's transactions start IMMEDIATE (the API's engine
    reads, and a read transaction that turns into a write one fails when another writer got in
    between), and this process's requests take turns on `serial` instead of polling SQLite's busy
    handler, which starves some of them for seconds. Opened on the first request."""

    def __init__(self, url: str):
        self.url, self._engine, self._lock = url, None, threading.Lock()
        self.serial = threading.Lock() if url.startswith("sqlite") else nullcontext()

    def session(self):
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.url, writer=True)
        with Session(self._engine) as s:
            yield s


def ingest_router(Db: Any, settings: Settings) -> APIRouter:
    """The ingest endpoint. `Db` is the application's reading session; ingest writes the journal
    through a writer session of its own on the same ledger."""
    router = APIRouter(tags=["ingest"])
    writer = _Writer(settings.ledger_url)
    Writing = Annotated[Session, Depends(writer.session)]

    @router.post(PATH, response_model=m.IngestAnswer, responses=_RESPONSES, openapi_extra=_BODY,
                 summary="Kirim peristiwa / send events")
    def events(who: Ingesting, upload: Annotated[Upload, Depends(_upload)], db: Writing,
               key: Annotated[str | None, Header(alias="Idempotency-Key", description=(
                   "1-200 characters: a retry with the same key and body gets the first answer again"))] = None):
        """Each record gets a receipt, in order: `accepted` (journaled now), `duplicate` (accepted
        before with the same content) or `rejected` with a `reason` (`forbidden`, a decoder's reason
        such as `schema_violation`, or `conflicting_duplicate`). Nothing is acknowledged before it is
        committed; the worker books what was accepted."""
        return answer(db, who, upload, key, writer.serial)

    return router
