"""What one import did with each file, record by record: read = imported + duplicates + directory
+ not imported; and, read back from the ledger, what became of the records imported: new, already
recorded, corrections, rejected, or sent and not yet decided. Printed for people, emitted as JSON
for programs, and the records not imported written as JSON lines (position, reason, detail, the
record) beside the ledger's data."""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ledger.rules.money import format_rupiah
from streams.importers.ids import UNKNOWN
from streams.importers.klpd import UNJOINED
from streams.officers.words import IMPORT_WORDS

SHOWN = 10  # positions listed per reason


@dataclass
class Tally:
    count: int = 0
    positions: list[int] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # what to fix, for the positions shown

    def add(self, position: int, detail: str | None = None) -> None:
        self.count += 1
        if len(self.positions) < SHOWN:
            self.positions.append(position)
            if detail is not None:
                self.details.append(detail)


@dataclass
class Decided:
    """What the ledger made of a file's records imported, record by record (`streams.importers.readback`)."""

    new: int = 0
    recorded: int = 0  # the ledger held them already: an unchanged record imported again
    corrections: int = 0  # a new version of a source record the ledger held
    rejected: dict[str, Tally] = field(default_factory=dict)  # by the worker's reason code
    undecided: int = 0  # sent, no receipt yet when the wait ended

    def as_json(self) -> dict:
        return {"new": self.new, "already_recorded": self.recorded, "corrections": self.corrections,
                "rejected": {r: {"count": t.count, "positions": t.positions} for r, t in sorted(self.rejected.items())},
                "undecided": self.undecided}


@dataclass
class FileSummary:
    file: str
    format: str
    title: str
    kept_as: str = "no_event"  # what records that become no event are: `directory` for the satker master
    records: int = 0
    imported: int = 0
    duplicates: Tally = field(default_factory=Tally)
    kept: int = 0  # records that fill the directory: no events, no errors
    events: Counter = field(default_factory=Counter)  # by type
    states: Counter = field(default_factory=Counter)  # purchases by state
    not_imported: dict[str, Tally] = field(default_factory=dict)
    failed: list[dict] = field(default_factory=list)  # {position, event_id, error}
    unreadable: str | None = None  # the file broke off: what the parser said, and where
    not_imported_file: str | None = None
    awaiting: dict = field(default_factory=lambda: {"amount": 0, "purchases": 0, "suppliers": set()})
    unknown_suppliers: dict = field(default_factory=lambda: {"amount": 0, "purchases": 0})
    not_joined: Counter = field(default_factory=Counter)  # buyer id -> events
    ledger: Decided | None = None  # read back after sending; None on a dry run

    def refuse(self, position: int, reason: str, detail: str | None = None) -> None:
        self.not_imported.setdefault(reason, Tally()).add(position, detail)

    def sent(self, event: dict) -> None:
        self.events[event["type"]] += 1
        if event["type"] != "purchase.recorded":
            return
        state = event.get("state", "completed")
        self.states[state] += 1
        if UNJOINED in event["buyer"]["id"]:
            self.not_joined[event["buyer"]["id"]] += 1
        if state != "completed":
            return
        if event["supplier_id"].startswith(UNKNOWN):
            self.unknown_suppliers["amount"] += event["amount"]
            self.unknown_suppliers["purchases"] += 1
        else:
            self.awaiting["amount"] += event["amount"]
            self.awaiting["purchases"] += 1
            self.awaiting["suppliers"].add(event["supplier_id"])

    @property
    def accounted(self) -> bool:
        refused = sum(t.count for t in self.not_imported.values())
        return self.unreadable is None and self.records == self.imported + self.duplicates.count + self.kept + refused

    def as_json(self) -> dict:
        return {
            "file": self.file, "format": self.format, "title": self.title, "records": self.records,
            "imported": self.imported, "events": dict(self.events), "purchases_by_state": dict(self.states),
            "duplicates": {"count": self.duplicates.count, "positions": self.duplicates.positions},
            self.kept_as: self.kept,
            "not_imported": {r: {"count": t.count, "positions": t.positions, "details": t.details}
                             for r, t in sorted(self.not_imported.items())},
            "delivery_failures": self.failed, "unreadable": self.unreadable, "accounted": self.accounted,
            "not_imported_file": self.not_imported_file,
            "awaiting_registration": {"amount": self.awaiting["amount"], "purchases": self.awaiting["purchases"],
                                      "suppliers": len(self.awaiting["suppliers"])},
            "unknown_supplier": dict(self.unknown_suppliers),
            "buyers_not_joined": dict(sorted(self.not_joined.items())),
            "ledger": self.ledger.as_json() if self.ledger is not None else None,
        }


class Rejects:
    """The records not imported, as JSON lines, in a file opened at the first one."""

    def __init__(self, folder: Path, source: Path):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.path = folder / f"{source.stem}-{stamp}.not-imported.jsonl"
        self._fh = None

    def write(self, position: int, reason: str, detail: str, record) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8")
        line = {"position": position, "reason": reason, "detail": detail, "record": record}
        self._fh.write(json.dumps(line, ensure_ascii=False, default=_number) + "\n")

    def close(self) -> str | None:
        if self._fh is None:
            return None
        self._fh.close()
        return str(self.path)


def _number(value):
    if isinstance(value, Decimal):  # the source's own number, as a JSON number
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    return str(value)


def print_summary(console: Console, summaries: list[FileSummary], dry_run: bool,
                  wait: tuple[str, float] | None = None) -> None:
    """Each file's lines; `wait`, how the wait for the ledger's decisions ended and its bound."""
    verb = "akan dikirim / would send" if dry_run else "event / events"
    for s in summaries:
        say(console, f"[bold]{escape(s.file)}[/] ({escape(s.title)}, --format {s.format})")
        say(console, f"  dibaca / read: {s.records} records; menjadi event / mapped to events: {s.imported}; "
                      f"duplikat dalam berkas / duplicates in the file: {s.duplicates.count}{_at(s.duplicates)}")
        if s.kept:
            say(console, f"  direktori satker / directory: {s.kept} work units learned" if s.kept_as == "directory"
                else f"  tanpa event / no event: {s.kept} records")
        if s.events:
            events = ", ".join(f"{t} {n}" for t, n in sorted(s.events.items()))
            states = ", ".join(f"{k} {n}" for k, n in sorted(s.states.items()))
            say(console, f"  {verb}: {events}" + (f" ({states})" if states else ""))
        if s.ledger is not None:
            _print_decided(console, s.ledger)
        for reason, tally in sorted(s.not_imported.items()):
            say(console, f"  [yellow]tidak diimpor / not imported[/] {reason}: {tally.count}{_at(tally)}")
            for position, detail in zip(tally.positions, tally.details):
                # a template's detail starts with its sheet row ("baris 3: ..."); others say their record
                said = detail if detail.startswith("baris ") else f"record {position}: {detail}"
                say(console, f"    {escape(said)}")
        for f in s.failed[:SHOWN]:
            say(console, f"  [red]gagal dikirim / not delivered[/]: record {f['position']} ({f['event_id']}): "
                          f"{escape(f['error'])}")
        if len(s.failed) > SHOWN:
            say(console, f"  [red]... {len(s.failed) - SHOWN} more not delivered[/]")
        if s.unreadable:
            say(console, f"  [red]berkas terputus / file broke off[/]: {escape(s.unreadable)}")
        _print_notes(console, s)
        if s.not_imported_file:
            say(console, f"  catatan / the records not imported: {escape(s.not_imported_file)}")
    if dry_run:
        say(console, "--dry-run: tidak ada yang dikirim / nothing was sent")
    elif wait is not None and wait[0] in ("deadline", "idle", "no_wait") and \
            any(s.ledger is not None and s.ledger.undecided for s in summaries):
        ended, seconds = wait
        say(console, " / ".join(IMPORT_WORDS[lang][ended].format(f"{seconds:g}") for lang in ("id", "en")))


def ledger_line(d: Decided) -> str:
    """`buku besar / ledger: 0 baru, 37 sudah tercatat / 0 new, 37 already recorded`: new and
    already recorded always, the other counts when there are any."""
    counts = [("new", d.new), ("recorded", d.recorded), ("correction", d.corrections),
              ("rejected", sum(t.count for t in d.rejected.values())), ("undecided", d.undecided)]
    shown = [(key, n) for i, (key, n) in enumerate(counts) if n or i < 2]
    said = (", ".join(f"{n} {IMPORT_WORDS[lang][key]}" for key, n in shown) for lang in ("id", "en"))
    return f"{IMPORT_WORDS['id']['ledger']} / {IMPORT_WORDS['en']['ledger']}: " + " / ".join(said)


def _print_decided(console: Console, d: Decided) -> None:
    say(console, f"  {escape(ledger_line(d))}")
    for reason, tally in sorted(d.rejected.items()):
        say(console, f"    [red]{IMPORT_WORDS['id']['rejected']} / {IMPORT_WORDS['en']['rejected']}[/] "
                      f"{escape(reason)}: {tally.count}{_at(tally)}")


def _print_notes(console: Console, s: FileSummary) -> None:
    waiting = s.awaiting
    if waiting["purchases"]:
        say(console, f"  menunggu registrasi penyedia / awaiting supplier registration: "
                      f"{format_rupiah(waiting['amount'])} in {waiting['purchases']} completed purchases to "
                      f"{len(waiting['suppliers'])} suppliers named without a size class; they count as UMKM once "
                      f"registered in kuota (kuota import --template suppliers)")
    if s.unknown_suppliers["purchases"]:
        say(console, f"  penyedia tidak dikenal / no supplier identity: {s.unknown_suppliers['purchases']} completed "
                      f"purchases, {format_rupiah(s.unknown_suppliers['amount'])} (counted in totals, never as UMKM)")
    if s.not_joined:
        units = ", ".join(f"{b} ({n})" for b, n in sorted(s.not_joined.items())[:SHOWN])
        say(console, f"  [yellow]pembeli menunggu direktori / buyers awaiting the directory[/]: sent under their "
                      f"SIRUP code ({len(s.not_joined)}); the ledger books them to their kd_satker_str once the "
                      f"region's satker master or budget structure is imported, before or after: {escape(units)}")


def say(console: Console, text: str) -> None:
    console.print(text, highlight=False)  # figures and ids as written, not coloured piecemeal


def _at(tally: Tally) -> str:
    if not tally.count:
        return ""
    more = ", ..." if tally.count > len(tally.positions) else ""
    return f" (records {', '.join(map(str, tally.positions))}{more})"
