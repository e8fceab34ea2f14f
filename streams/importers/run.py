"""`kuota import`: records where they already live, mapped to contract events and sent to the
topics the worker consumes, like `kuota emit`: journaled first, then sent; nothing bypasses the
stream.

Per file: the format from its first record (or `--format`); the records streamed one at a time;
each mapped by its format and every event validated by `schemas.decode.decode`, the function the
worker uses, so what the import accepts the worker books. Exact copies within the file (same
event id, same content) are duplicates; the same id with other content is a conflicting copy.
Memory grows with the number of distinct events of a file (about a hundred bytes each for the
copies check), never with its size. One bad record never stops the rest.
"""

import hashlib
import json
from collections import Counter
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path

import ijson
import orjson
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from schemas.decode import Invalid, decode
from schemas.events import supplier_key
from schemas.targets import target_key
from schemas.topics import TOPICS
from streams.importers import satker
from streams.importers.base import Context, Format, NotImported
from streams.importers.detect import ImportFileError, choose
from streams.importers.readback import IDLE, IDLE_LEDGER, WAIT, Handed, Ledger, await_decisions, tally
from streams.importers.summary import FileSummary, Rejects, print_summary
from ledger.books.journal import Item
from ledger.rules.fingerprint import fingerprint
from streams.kafka.relay import CONFLICTING, KEPT, MAX_RECORD, SENT, TOO_LARGE, JournalSender, Outcome
from streams.settings import Settings

TOPIC_OF: dict[str, tuple[str, str]] = {ev: (t.name, t.decoder) for t in TOPICS if t.decoder for ev in t.events}


def import_files(settings: Settings, paths: list[Path], *, forced: str | None = None, dry_run: bool = False,
                 region: str | None = None, console: Console | None = None,
                 wait: float | None = None) -> list[FileSummary]:
    return run_files(settings, paths, forced=forced, dry_run=dry_run, region=region, console=console, wait=wait)[0]


def run_files(settings: Settings, paths: list[Path], *, forced: str | None = None, dry_run: bool = False,
              region: str | None = None, console: Console | None = None,
              wait: float | None = None) -> tuple[list[FileSummary], tuple[str, float] | None]:
    """Each file imported, then (unless a dry run, or `wait` is None) what the ledger decided about
    its records, waited for up to `wait` seconds (0: one look); and how that wait ended, with its bound."""
    chosen = choose(paths, forced)
    folder = settings.data_dir / "imports"
    ctx = Context(region=region, seen={satker.KEY: satker.load(folder / "satker.json"),
                                       "today": datetime.now(timezone.utc).date()})
    before = dict(ctx.seen[satker.KEY])
    sender = None if dry_run else Sender(settings)
    ledger = mark = None
    summaries, handed = [], []
    try:
        if sender is not None and wait is not None:
            ledger = Ledger(settings.ledger_url)
            mark = ledger.mark()  # before the first send: what the ledger held already lies at or below it
        for path, fmt in chosen:
            ctx.file = str(path)
            summaries.append(import_file(path, fmt, ctx, sender, Rejects(folder, path), console))
            if sender is not None:
                handed.append(sender.handed())
    finally:
        if sender is not None:
            sender.close()
    for summary in summaries:  # units a directory already described are joined in the ledger
        summary.not_joined = Counter({b: n for b, n in summary.not_joined.items() if not satker.knows(ctx, b)})
    if not dry_run and ctx.seen[satker.KEY] != before:
        satker.save(folder / "satker.json", ctx.seen[satker.KEY])
    if ledger is None:
        return summaries, None
    try:
        decided, ended = await_decisions(ledger, handed, mark, wait)
    finally:
        ledger.close()
    for summary, h in zip(summaries, handed):
        summary.ledger = tally(h, decided)
    return summaries, (ended, IDLE if ended == IDLE_LEDGER else wait)


def import_file(path: Path, fmt: Format, ctx: Context, sender: "Sender | None", rejects: Rejects,
                console: Console | None) -> FileSummary:
    summary = FileSummary(str(path), fmt.name, fmt.title, kept_as=getattr(fmt, "kept_as", "no_event"))
    seen: dict[int, int] = {}  # digest of an event id -> digest of its content << 40 | the record's position
    with path.open("rb") as raw, _progress(console, path) as bar:
        records = iter(fmt.records(Counted(raw, bar)))
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except (ijson.JSONError, ValueError, UnicodeDecodeError) as exc:  # the file breaks off here
                said = " ".join(str(exc).split()) or type(exc).__name__
                summary.unreadable = (f"after record {summary.records}: {said}; the records before it were "
                                      f"taken, the rest of the file could not be read")
                break
            summary.records += 1
            take(summary.records, record, fmt, ctx, seen, summary, rejects, sender)
    if sender is not None:
        summary.failed += sender.finish(str(path))
    summary.not_imported_file = rejects.close()
    return summary


def take(position: int, record, fmt: Format, ctx: Context, seen: dict, summary: FileSummary, rejects: Rejects,
         sender: "Sender | None") -> None:
    """One record to its outcome: imported, duplicate, directory or not imported (with why)."""
    def refuse(reason: str, detail: str) -> None:
        summary.refuse(position, reason, detail)
        rejects.write(position, reason, detail, record)

    if not isinstance(record, dict):
        return refuse("not_a_record", f"a {type(record).__name__}, not a JSON object")
    try:
        mapped = fmt.map(record, ctx)
    except Exception as exc:  # a mapping's defect on one record must not stop the others
        return refuse("mapping_error", f"{type(exc).__name__}: {exc}")
    if isinstance(mapped, NotImported):
        return refuse(mapped.reason, mapped.detail)
    if not mapped:
        summary.kept += 1
        return None
    checked = []
    for event in mapped:
        try:
            raw = orjson.dumps(event, option=orjson.OPT_SORT_KEYS)
        except TypeError as exc:  # a mapping left a value JSON cannot hold
            return refuse("mapping_error", f"{type(exc).__name__}: {exc}")
        topic, decoder = TOPIC_OF.get(event.get("type"), (None, None))
        decoded = decode(decoder, raw) if decoder else Invalid("unknown_type", (f"type {event.get('type')!r}",))
        if isinstance(decoded, Invalid):
            return refuse("invalid_event", f"{decoded.reason}: " + "; ".join(decoded.errors))
        checked.append((topic, event, decoded, raw, _digest(decoded.event_id.encode()), _digest(raw)))
    news = []
    for topic, event, decoded, raw, key, content in checked:
        before = seen.get(key)
        if before is not None and before >> 40 != content:
            return refuse("conflicting_copy", f"event {decoded.event_id} was made from record {before & (2**40 - 1)} "
                                              f"with other content; the first one was kept")
        if before is None:
            news.append((topic, event, decoded, raw, key, content))
    if not news:
        summary.duplicates.add(position)
        return None
    for topic, event, decoded, raw, key, content in news:
        seen[key] = content << 40 | position
        if sender is not None:
            sender.send(topic, _key(decoded), raw, position, decoded)
        summary.sent(event)
    summary.imported += 1
    return None


def _key(event) -> bytes:
    if event.type in ("purchase.recorded",):
        return event.buyer.id.encode()
    if event.type == "purchase.reversed":
        return event.reverses.encode()
    if event.type.startswith("supplier."):
        return supplier_key(event).encode()
    return target_key(event).encode()


def _digest(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


class Sender:
    """Journals, then sends, each event (streams/kafka/relay.py) and lists, with its record's
    position, every event not accepted: one the journal holds with other content, or one too
    large to send. What the broker did not acknowledge stays journaled for the worker's relay."""

    def __init__(self, settings: Settings):
        self.journal = JournalSender(settings, source="import", client_id="kuota-import")
        self.failed: list[dict] = []
        self.kept = 0  # journaled, not sent: the broker stopped answering
        self._handed = Handed()  # the current file's events, for the ledger's decisions on them

    def send(self, topic: str, key: bytes, value: bytes, position: int, event) -> None:
        item = Item(event.event_id, fingerprint(event), topic, key.decode() or None, value)
        self._handed.positions[event.event_id] = position
        self._settle(self.journal.add(position, item))

    def handed(self) -> Handed:
        """The events of the file just finished that the journal holds, and forget them."""
        handed, self._handed = self._handed, Handed()
        return handed

    def finish(self, path: str) -> list[dict]:
        self._settle(self.journal.flush())
        failed, self.failed = self.failed, []
        return failed

    def _settle(self, outcomes: list[Outcome]) -> None:
        for o in outcomes:
            self.kept += o.status == KEPT
            if o.status in (SENT, KEPT):  # journaled by this run: sent now, or by the relay
                self._handed.fresh.add(o.item.event_id)
            if o.status in (CONFLICTING, TOO_LARGE):  # never sent: nothing to wait for
                self._handed.drop(o.item.event_id)
            if o.status == CONFLICTING:
                error = "conflicting_duplicate: accepted before with other content; send it under a new event_id"
            elif o.status == TOO_LARGE:
                error = f"{len(o.item.value):,} bytes, over the size limit ({MAX_RECORD:,} bytes a record)"
            else:
                continue
            self.failed.append({"position": o.tag, "event_id": o.item.event_id, "error": error})

    def close(self) -> None:
        self.journal.close()


class Counted:
    """A file read through a progress bar: the bar advances by the bytes the parser has read."""

    def __init__(self, raw, bar):
        self.raw, self.bar = raw, bar

    def __getattr__(self, name):  # peek, seek, tell: the file's own
        return getattr(self.raw, name)

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if self.bar is not None:
            self.bar[0].update(self.bar[1], advance=len(data))
        return data


def _progress(console: Console | None, path: Path):
    """A progress bar on a terminal only; piped output stays free of it."""
    if console is None or not console.is_terminal:
        return nullcontext(None)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                        console=console, transient=True)

    class Bar:
        def __enter__(self):
            progress.start()
            return progress, progress.add_task(path.name, total=path.stat().st_size)

        def __exit__(self, *exc):
            progress.stop()

    return Bar()


def run_import(settings: Settings, console: Console, files: list[Path], *, fmt: str = "auto", dry_run: bool = False,
               region: str | None = None, format_out: str = "table", wait: float = WAIT) -> int:
    """The command: import, read back what the ledger decided (waiting up to `wait` seconds; 0:
    one look), print the summary (or emit it as JSON), and say how it ended: 0 when every record
    is accounted for and delivered and none the ledger decided on was rejected (new, already
    recorded, a correction, or not yet decided), 1 when a delivery failed, a file broke off or the
    ledger rejected a record."""
    if format_out not in ("table", "json"):
        raise ImportFileError(f"--format-out {format_out}: use table or json")
    if region is not None and not (len(region) == 4 and region.isdigit()):
        raise ImportFileError(f"--region {region}: a BPS region code is 4 digits (e.g. 6100, 3204)")
    if not files:
        raise ImportFileError("name the files to import (or --template purchases|suppliers|budgets)")
    if wait < 0:
        raise ImportFileError(f"--wait {wait:g}: seconds to wait for the ledger, 0 or more (or --no-wait)")
    summaries, waited = run_files(settings, files, forced=fmt, dry_run=dry_run, region=region, console=console,
                                  wait=wait)
    ok = all(s.accounted and not s.failed and not (s.ledger and s.ledger.rejected) for s in summaries)
    if format_out == "json":
        doc = {"dry_run": dry_run, "ok": ok, "files": [s.as_json() for s in summaries],
               "ledger_wait": None if waited is None else {"ended": waited[0], "seconds": waited[1]}}
        console.file.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        print_summary(console, summaries, dry_run, waited)
    return 0 if ok else 1
