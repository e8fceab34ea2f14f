"""`kuota emit`: JSON lines to the right topic, each validated and journaled first."""

import codecs
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from kafka.errors import MessageSizeTooLargeError
from rich.console import Console
from rich.markup import escape

from schemas.decode import Invalid, decode
from schemas.topics import DECODER_OF, PURCHASES, TOPIC_OF_EVENT
from streams.errors import UsageError
from ledger.books.journal import Item
from ledger.rules.fingerprint import fingerprint
from streams.kafka.producer import MAX_REQUEST, make_producer
from streams.kafka.relay import CONFLICTING, DUPLICATE, KEPT, MAX_RECORD, SENT, JournalSender, Outcome
from streams.kafka.topics import ensure_topics
from streams.settings import Settings

JSON_LINES = "kuota emit takes JSON lines: UTF-8 text, one event per line"


class EmitFileError(UsageError):
    label = "berkas tidak dapat dikirim / file cannot be sent"


@dataclass
class EmitSummary:
    sent: dict[str, int] = field(default_factory=dict)  # journaled and acknowledged by the broker
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)
    failed: list[tuple[int, str]] = field(default_factory=list)  # not accepted: too large, or refused
    duplicate: int = 0  # journaled before (an earlier emit or ingest): not sent again
    kept: int = 0  # journaled, not sent: the broker stopped answering; a worker's relay sends them
    broker_gone: str | None = None

    def count(self, outcomes: list[Outcome], settings: Settings) -> None:
        for o in outcomes:
            if o.status == SENT:
                topic = settings.topic(o.item.topic)
                self.sent[topic] = self.sent.get(topic, 0) + 1
            elif o.status == DUPLICATE:
                self.duplicate += 1
            elif o.status == KEPT:
                self.kept += 1
            elif o.status == CONFLICTING:
                self.invalid.append((o.tag, f"conflicting_duplicate: event {o.item.event_id} was accepted before "
                                            f"with other content; not sent (send it under a new event_id)"))
            else:
                self.failed.append((o.tag, f"{len(o.item.value):,} bytes, over the size limit ({MAX_RECORD:,} "
                                           f"bytes a record); not accepted"))


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
    if doc.get("type") in ("supplier.merged", "supplier.unmerged"):
        return f"merge:{doc.get('keep')}:{doc.get('other')}"
    if doc.get("type") == "supplier.distinct":
        return "distinct:" + ":".join(sorted(str(s) for s in doc.get("suppliers") or ()))
    if doc.get("type") == "purchase.reversed":
        # The reversal goes to its purchase's partition so it is booked after it.
        return buyers.get(str(doc.get("reverses")), str(doc.get("reverses", "")))
    buyer = str((doc.get("buyer") or {}).get("id", ""))
    buyers[str(doc.get("event_id"))] = buyer
    return buyer


def check_file(path: Path) -> None:
    """Refuse, before any broker is asked, a file with no line to send or one that is not text."""
    with path.open("rb") as fh:
        head = fh.read(8192)
        try:  # not final: a character cut at the end of the sample is fine
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            text = b"\0" not in head
        except UnicodeDecodeError:
            text = False
        if not text:
            raise EmitFileError(f"{path}: looks binary (NUL bytes or not UTF-8 in its first 8 KiB); {JSON_LINES}")
        fh.seek(0)
        if not any(line.strip() for line in fh):
            raise EmitFileError(f"{path} is empty: nothing to send; {JSON_LINES}")


def emit_file(settings: Settings, path: Path, *, validate: bool = True) -> EmitSummary:
    """Each valid line journaled, a chunk at a time, before it is sent (streams/kafka/relay.py);
    with `validate` off every line is sent as is, unjournaled (to try the worker's rejections)."""
    check_file(path)
    if not validate:
        return _send_as_is(settings, path)
    sender = JournalSender(settings, source="emit", client_id="kuota-emit")
    summary, buyers = EmitSummary(), {}
    try:
        for number, raw in _lines(path):
            topic, key, _ = route(raw, buyers, False)
            event = decode(DECODER_OF[topic], raw)
            if isinstance(event, Invalid):
                summary.invalid.append((number, f"{event.reason}: " + "; ".join(event.errors)))
                continue
            item = Item(event.event_id, fingerprint(event), topic, key.decode() or None, raw)
            summary.count(sender.add(number, item), settings)
        summary.count(sender.flush(), settings)
    finally:
        sender.close()
    summary.broker_gone = sender.broker_gone
    summary.invalid.sort()
    return summary


def _lines(path: Path):
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if raw := line.strip():
                yield number, raw


def _send_as_is(settings: Settings, path: Path) -> EmitSummary:
    ensure_topics(settings)
    producer = make_producer(settings)
    summary, buyers, pending = EmitSummary(), {}, []
    try:
        for number, raw in _lines(path):
            topic, key, _ = route(raw, buyers, False)
            topic = settings.topic(topic)
            try:
                pending.append((number, topic, producer.send(topic, key=key or None, value=raw), len(raw)))
            except MessageSizeTooLargeError as exc:  # refused before sending (over max_request_size)
                summary.failed.append((number, _not_sent(exc, len(raw))))
        producer.flush()
    finally:
        producer.close()
    for number, topic, future, size in pending:
        try:
            future.get(timeout=30)
            summary.sent[topic] = summary.sent.get(topic, 0) + 1
        except Exception as exc:  # each failure is reported with its line; none is hidden
            summary.failed.append((number, _not_sent(exc, size)))
    summary.failed.sort()
    return summary


def _not_sent(exc: Exception, size: int) -> str:
    if isinstance(exc, MessageSizeTooLargeError):
        return (f"{size:,} bytes, over the size limit (kuota's producer takes {MAX_REQUEST // 1024**2} MiB a "
                f"record, the broker its own message.max.bytes); not sent")
    return f"{type(exc).__name__}: {exc}"


def print_summary(console: Console, summary: EmitSummary) -> None:
    for topic, n in sorted(summary.sent.items()):
        console.print(f"terkirim / sent: {n} ke / to {topic}")
    for number, why in summary.invalid:
        console.print(f"[yellow]baris / line {number} tidak valid / invalid:[/] {escape(why)}")
    for number, why in summary.failed:
        console.print(f"[red]baris / line {number} gagal dikirim / not delivered:[/] {escape(why)}")
    if summary.duplicate:
        console.print(f"sudah diterima sebelumnya / accepted before: {summary.duplicate} (tidak dikirim ulang / "
                      f"not sent again)")
    if summary.kept:
        console.print(f"[yellow]disimpan di jurnal, belum terkirim / journaled, not sent yet: {summary.kept}[/] "
                      f"({escape(summary.broker_gone or '')}); worker mengirimnya / a running worker sends them")
    console.print(f"ringkasan / summary: {sum(summary.sent.values())} sent, {len(summary.invalid)} invalid, "
                  f"{len(summary.failed)} failed, {summary.duplicate} duplicate, {summary.kept} journaled unsent")
