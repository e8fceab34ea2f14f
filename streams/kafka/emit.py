"""`kuota emit`: JSON lines to the right topic, each validated first."""

from dataclasses import dataclass, field
from pathlib import Path

import orjson
from rich.console import Console

from schemas.decode import Invalid, decode
from streams.kafka import manifest
from streams.kafka.producer import make_producer
from schemas.topics import DECODER_OF, PURCHASES, TOPIC_OF_EVENT
from streams.settings import Settings
from streams.kafka.topics import ensure_topics



@dataclass
class EmitSummary:
    sent: dict[str, int] = field(default_factory=dict)
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    failed: list[tuple[int, str]] = field(default_factory=list)  # broker refused


def route(raw: bytes, buyers: dict[str, str], validate: bool) -> tuple[str, bytes, str | None]:
    """(topic, key, problem) of one line. Keys: buyer id for purchases, supplier id for suppliers."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return PURCHASES, b"", None if not validate else f"invalid_json: {exc}"
    topic = TOPIC_OF_EVENT.get(doc.get("type") if isinstance(doc, dict) else None, PURCHASES)
    if validate:
        event = decode(DECODER_OF[topic], raw)
        if isinstance(event, Invalid):
            return topic, b"", f"{event.reason}: " + "; ".join(event.errors)
    key = _key(doc if isinstance(doc, dict) else {}, buyers)
    return topic, key.encode(), None


def _key(doc: dict, buyers: dict[str, str]) -> str:
    if doc.get("type") == "supplier.registered":
        return str((doc.get("supplier") or {}).get("id", ""))
    if doc.get("type") == "purchase.reversed":
        # The reversal goes to its purchase's partition so it is booked after it.
        return buyers.get(str(doc.get("reverses")), str(doc.get("reverses", "")))
    buyer = str((doc.get("buyer") or {}).get("id", ""))
    buyers[str(doc.get("event_id"))] = buyer
    return buyer


def emit_file(settings: Settings, path: Path, *, validate: bool = True) -> EmitSummary:
    epoch = ensure_topics(settings)
    producer = make_producer(settings)
    summary, buyers, pending = EmitSummary(), {}, []
    try:
        with path.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                raw = line.strip()
                if not raw:
                    continue
                topic, key, problem = route(raw, buyers, validate)
                if problem:
                    summary.invalid.append((number, problem))
                    continue
                topic = settings.topic(topic)
                pending.append((number, topic, producer.send(topic, key=key or None, value=raw),
                                manifest.tracked_id(raw, validate)))
        producer.flush()
    finally:
        producer.close()
    emitted: dict[str, list[str]] = {}  # delivered or not: the ledger must receive each one
    for number, topic, future, event_id in pending:
        if event_id is not None:
            emitted.setdefault(topic, []).append(event_id)
        try:
            future.get(timeout=30)
            summary.sent[topic] = summary.sent.get(topic, 0) + 1
        except Exception as exc:  # each failure is reported with its line; none is hidden
            summary.failed.append((number, str(exc)))
    manifest.write(settings.data_dir, path, epoch, emitted, len(summary.failed))  # `kuota audit` names gaps
    return summary


def print_summary(console: Console, summary: EmitSummary) -> None:
    for topic, n in sorted(summary.sent.items()):
        console.print(f"terkirim / sent: {n} ke / to {topic}")
    for number, why in summary.invalid:
        console.print(f"[yellow]baris / line {number} tidak valid / invalid:[/] {why}")
    for number, why in summary.failed:
        console.print(f"[red]baris / line {number} gagal dikirim / not delivered:[/] {why}")
    console.print(f"ringkasan / summary: {sum(summary.sent.values())} sent, {len(summary.invalid)} invalid, "
                  f"{len(summary.failed)} failed")
