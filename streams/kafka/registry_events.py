"""Officers' findings on the supplier registry (merge, unmerge, distinct), built as contract
events and sent to the suppliers topic under their pair's key; the worker books them."""

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import orjson
from kafka.errors import KafkaError
from pydantic import ValidationError

from schemas.events import SupplierDistinct, SupplierLink, SupplierMerged, SupplierUnmerged, supplier_key
from schemas.topics import SUPPLIERS
from streams.errors import BrokerUnavailable, UsageError
from streams.kafka.producer import make_producer
from streams.kafka.topics import ensure_topics
from streams.settings import Settings

WIB = timezone(timedelta(hours=7))
_MODELS = {"merge": (SupplierMerged, "supplier.merged"), "unmerge": (SupplierUnmerged, "supplier.unmerged"),
           "distinct": (SupplierDistinct, "supplier.distinct")}


def finding(action: str, first: str, second: str, reason: str, now: datetime | None = None) -> SupplierLink:
    """The event of `kuota registry merge|unmerge|distinct FIRST SECOND --reason ...`, or a
    UsageError naming what to change."""
    first, second, reason = first.strip(), second.strip(), reason.strip()
    if first == second:
        raise UsageError(f"{first!r} twice: give two different supplier ids")
    if not reason:
        raise UsageError("--reason is empty: say why, e.g. --reason \"NPWP sama, satu usaha\"")
    body = {"suppliers": [first, second]} if action == "distinct" else {"keep": first, "other": second}
    model, type_ = _MODELS[action]
    doc = {"type": type_, "schema_version": 1, "event_id": f"{action}-{uuid4().hex[:24]}",
           "occurred_at": (now or datetime.now(WIB)).isoformat(timespec="seconds"), "reason": reason, **body}
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(x) for x in e["loc"]) or "finding"
        raise UsageError(f"{where}: {e['msg']}") from None


def send_finding(settings: Settings, event: SupplierLink) -> None:
    """Produce one finding to the suppliers topic and wait for the broker to take it."""
    ensure_topics(settings)
    producer = make_producer(settings)
    try:
        producer.send(settings.topic(SUPPLIERS), key=supplier_key(event).encode(),
                      value=orjson.dumps(event.model_dump(mode="json"))).get(timeout=30)
    except KafkaError as exc:
        raise BrokerUnavailable(f"the broker at {settings.broker} did not take {event.event_id} ({exc}); "
                                f"send the finding again once it does") from exc
    finally:
        producer.close()
