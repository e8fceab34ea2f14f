"""Reports and the audit at the terminal: a report is built once (`reports`) and shown as a
table, or written as JSON, CSV or XLSX."""

import sys
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ledger.books.audit import AuditReport
from ledger.reports import allocation, buyers, declared, spend, standings, suppliers
from ledger.reports import registry
from ledger.reports.checks import receipts_total
from ledger.reports.duplicates import duplicates as suspected_duplicates
from ledger.reports.scope import Scope
from schemas.events import EARLIEST, LATEST
from schemas.targets import target_key
from streams.errors import ExitCode, UsageError
from streams.officers import reports
from streams.officers.fit import print_wide
from streams.officers.tables import Report, as_csv, as_json, as_table
from streams.officers.words import WORDS
from streams.officers.xlsx import workbook

FORMATS = ("table", "json", "csv", "xlsx")
WIB = timezone(timedelta(hours=7))


def parse_as_of(text: str | None) -> datetime | None:
    """RFC 3339 with offset, or a date (the end of that day, WIB); years 1900-2999, as the API."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            moment = datetime.combine(day, time(23, 59, 59, 999999), WIB)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--as-of {text!r}: {_why_not_a_time(str(exc))}; "
                         f"e.g. 2024-03-31T23:59:59+07:00 or 2024-03-31") from None
    if moment.tzinfo is None:
        raise UsageError(f"--as-of {text!r}: give the offset, e.g. 2024-03-31T23:59:59+07:00")
    # Checked on the moment as written: within these years no offset can push it past datetime's range.
    if not EARLIEST <= moment.year <= LATEST:
        raise UsageError(f"--as-of {text!r}: the year must be between {EARLIEST} and {LATEST}")
    return moment


def _why_not_a_time(error: str) -> str:
    if "offset" in error:  # Python's own words name timedelta reprs
        return "the offset must lie between -23:59 and +23:59"
    if error.startswith("Invalid isoformat"):
        return "not a date or an RFC 3339 time"
    return error  # month must be in 1..12, day is out of range for month


def build(session: Session, name: str, *, lang: str, as_of: datetime | None, **args) -> Report:
    """The report `name` (overview, alerts, buyer, suppliers, trend, spend) over the ledger."""
    report = _build(session, name, lang=lang, as_of=as_of, **args)
    report.empty_ledger = not report.rows and receipts_total(session) == 0
    return report


def _build(session: Session, name: str, *, lang: str, as_of: datetime | None, **args) -> Report:
    scope = Scope(session, as_of)
    if name in ("expiring", "flags"):  # about the registry: counted from a day (today, WIB, or the as-of day)
        return _registry(session, name, lang, as_of, **args)
    about = reports.about(lang, as_of, standings.last_evaluation(session),
                          **{k: v for k, v in args.items() if k not in ("limit", "offset")})
    if name == "overview":
        found = reports.overview(standings.overview(scope, **args), lang=lang, about=about)
        if not found.rows and not any(args.values()):  # no filter: say why nothing is judged, and what to do
            found.when_empty = "no_program_covers"
            if regions := uncovered_regions(scope):
                found.empty_detail = WORDS[lang if lang in WORDS else "id"]["uncovered_regions"].format(", ".join(regions))
        return found
    if name == "alerts":
        return reports.alerts([reports.alert_row(x) for x in standings.alerts(session, **args)], lang=lang,
                              about=about)
    if name == "buyer":
        detail = buyers.buyer_detail(scope, args.pop("buyer_id"), **args)
        if detail is None:
            raise UsageError("no such buyer in the ledger")
        return reports.buyer(detail, lang=lang, about=about)
    if name == "suppliers":
        programs = [p.program_id for p in scope.programs if args["program"] in (None, p.program_id)]
        return reports.suppliers(suppliers.supplier_view(scope, **args), programs, lang=lang, about=about)
    if name == "trend":
        return reports.trend(spend.trend(scope, **args), lang=lang, about=about)
    if name == "allocation":
        rows = [reports.allocation_row(x) for x in allocation.allocation(scope, **args)]
        return reports.allocation(rows, lang=lang, about=about)
    if name == "declared":
        return reports.declared(declared.declared(scope, **args), lang=lang, about=about)
    if name == "duplicates":
        return reports.duplicates(suspected_duplicates(session, **args), lang=lang, about=about)
    return reports.spend(spend.spend(scope, **args), lang=lang, about=about)


def uncovered_regions(scope: Scope) -> list[str]:
    """Regions of the buyers the ledger knows that no program in force covers."""
    covered = {p.region for p in scope.programs} | {p.applies_to.region for p in scope.programs}
    return sorted({info.region for info in scope.known_buyers.values()} - covered)


def _registry(session: Session, name: str, lang: str, as_of: datetime | None, **args) -> Report:
    today = (as_of or datetime.now(timezone.utc)).astimezone(WIB).date()
    if name == "flags":
        args["year"] = args.get("year") or today.year
    about = reports.about(lang, as_of, None, **args) | ({reports.heading("today", lang): today.isoformat()}
                                                        if name == "expiring" else {})
    if name == "expiring":
        return reports.expiring(registry.expiring(session, today=today, **args), lang=lang, about=about)
    return reports.flags(registry.flags(session, **args), lang=lang, about=about)


def show(console: Console, report: Report, *, fmt: str, lang: str, output: Path | None, stem: str,
         wide: bool = False) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "json":
        sys.stdout.write(as_json(report).decode())
    elif fmt == "csv":
        sys.stdout.write(as_csv(report))
    elif fmt == "xlsx":
        path = Path(output or f"kuota-{stem}.xlsx")
        path.write_bytes(workbook(report, lang))
        console.print(f"{len(report.rows)} baris / rows -> {path}")
    elif report.rows and wide:
        print_wide(console, as_table(report, lang, wide=True).wide())
    elif report.rows:
        console.print(as_table(report, lang))
    else:  # an empty table says nothing; say what to do instead
        said = "empty_ledger" if report.empty_ledger else report.when_empty or "nothing_matches"
        detail = "" if report.empty_ledger or not report.empty_detail else f" {report.empty_detail}"
        console.print(WORDS[lang if lang in WORDS else "id"][said] + detail)


def print_audit(console: Console, report: AuditReport) -> int:
    table = Table("topic", "received", "applied", "duplicate", "rejected", title="kuota audit")
    for topic, c in sorted(report.by_topic.items()):
        table.add_row(topic, str(sum(c.values())), str(c["applied"]), str(c["duplicate"]), str(c["rejected"]))
    console.print(table)
    console.print(f"entries {report.entries}, positions checked {report.positions_checked}")
    if (j := report.journal) is not None:
        console.print(f"jurnal / journal: {j.journaled} diterima / accepted = {j.booked} dibukukan / booked + "
                      f"{j.rejected} ditolak / rejected + {j.in_flight} dalam perjalanan / in flight")
        if j.in_flight:
            console.print(f"[yellow]{j.in_flight} dalam perjalanan / in flight[/]: worker yang berjalan mengirim dan "
                          f"membukukannya / a running worker sends and books them (kuota up, kuota worker)")
    if report.ok:
        console.print("[green]AUDIT OK[/]: applied + duplicate + rejected = received; positions = recount of entries")
        return ExitCode.OK
    for problem in report.problems[:50]:
        console.print(f"[red]AUDIT FAILED[/]: {problem}")
    return ExitCode.FAILED


def print_applied(console: Console, events) -> None:
    table = Table("jenis / type", "kunci / key", "event_id", title="target terkirim / targets sent")
    for ev in events:
        table.add_row(ev.type, target_key(ev), ev.event_id)
    console.print(table)
