"""Printing reports and the audit for the terminal, as table, JSON or CSV."""

import csv
import sys

import orjson
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ledger.books.audit import audit
from ledger.db import make_engine, migrate
from ledger.rules import money
from ledger.rules.money import format_rupiah
from ledger.reports.standings import SpendLine, spend
from streams.kafka import manifest
from streams.settings import Settings

HEADERS = {
    "id": ("Pembeli", "Jenis", "Wilayah", "Periode", "Total belanja", "Belanja UMKM/koperasi", "Porsi"),
    "en": ("Buyer", "Kind", "Region", "Period", "Total spend", "UMKM/cooperative spend", "Share"),
}


def share_text(line: SpendLine) -> str:
    return money.share_text(line.eligible, line.total)


def print_spend(settings: Settings, console: Console, *, period: str, fmt: str, buyer=None, kind=None,
                lang: str = "id") -> None:
    migrate(settings.ledger_url)
    with Session(make_engine(settings.ledger_url)) as session:
        lines = spend(session, period, buyer=buyer, kind=kind)
    if fmt == "json":
        sys.stdout.write(orjson.dumps([_json(line) for line in lines], option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fmt == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(["buyer_id", "name", "kind", "region", "period", "total", "eligible", "share_percent"])
        for line in lines:
            out.writerow([line.buyer_id, line.name or "", line.kind, line.region, line.period, line.total,
                          line.eligible, "" if line.share_bp is None else f"{line.share_bp / 100:.2f}"])
    else:
        table = Table(*HEADERS.get(lang, HEADERS["id"]))
        for line in lines:
            table.add_row(line.name or line.buyer_id, line.kind, line.region, line.period,
                          format_rupiah(line.total), format_rupiah(line.eligible), share_text(line))
        console.print(table)


def _json(line: SpendLine) -> dict:
    return {"buyer_id": line.buyer_id, "name": line.name, "kind": line.kind, "region": line.region,
            "period": line.period, "total": line.total, "eligible": line.eligible,
            "share_bp": line.share_bp}


def print_audit(settings: Settings, console: Console) -> int:
    migrate(settings.ledger_url)
    with Session(make_engine(settings.ledger_url)) as session:
        report = audit(session)
        gaps = manifest.gaps(settings.data_dir, session)
    for gap in gaps:  # records a broker acknowledged and lost before any worker received them
        shown = ", ".join(gap.missing[:5]) + (", ..." if len(gap.missing) > 5 else "")
        report.problems.append(f"gap: {gap.file}: emitted {gap.sent}, booked {gap.booked}, gap {len(gap.missing)} "
                               f"event ids ({shown}) the ledger never received; unless workers are still "
                               f"catching up, re-emit {gap.file} to close it")
    table = Table("topic", "received", "applied", "duplicate", "rejected", title="kuota audit")
    for topic, c in sorted(report.by_topic.items()):
        table.add_row(topic, str(sum(c.values())), str(c["applied"]), str(c["duplicate"]), str(c["rejected"]))
    console.print(table)
    console.print(f"entries {report.entries}, positions checked {report.positions_checked}")
    if report.ok:
        console.print("[green]AUDIT OK[/]: applied + duplicate + rejected = received; positions = recount of entries")
        return 0
    for problem in report.problems[:50]:
        console.print(f"[red]AUDIT FAILED[/]: {problem}")
    return 1


FORMATS = ("table", "json", "csv", "xlsx")


def parse_as_of(text: str | None):
    """RFC 3339 with offset, or a date (the end of that day, WIB)."""
    from datetime import datetime, time, timedelta, timezone

    from streams.errors import UsageError

    if text is None:
        return None
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            return datetime.combine(day, time(23, 59, 59, 999999), timezone(timedelta(hours=7)))
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--as-of {text!r}: not a date or an RFC 3339 time") from exc
    if moment.tzinfo is None:
        raise UsageError(f"--as-of {text!r}: give the offset, e.g. 2024-03-31T23:59:59+07:00")
    return moment


def officer_report(settings: Settings, console: Console, name: str, *, fmt: str, output, lang: str,
                   as_of: str | None, **args) -> None:
    from pathlib import Path

    from ledger.reports import views as readside
    from streams.officers import reports as officer_reports
    from streams.officers import tables as render
    from streams.errors import UsageError

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: one of {', '.join(FORMATS)}")
    moment = parse_as_of(as_of)
    migrate(settings.ledger_url)
    with Session(make_engine(settings.ledger_url)) as session:
        if name == "overview":
            rep = officer_reports.overview(readside.overview(session, as_of=moment, **args), as_of=moment, lang=lang,
                                           **args)
        elif name == "buyer":
            detail = readside.buyer_detail(session, args.pop("buyer_id"), as_of=moment, **args)
            if detail is None:
                raise UsageError("no such buyer in the ledger")
            rep = officer_reports.buyer(detail, as_of=moment, lang=lang)
        elif name == "suppliers":
            from ledger.books.targets import in_force

            programs = [p.program_id for p in in_force(session, moment)[0] if args["program"] in (None, p.program_id)]
            rep = officer_reports.suppliers(readside.supplier_view(session, as_of=moment, **args), programs,
                                            as_of=moment, lang=lang)
        else:
            rep = officer_reports.trend(readside.trend(session, as_of=moment, **args), as_of=moment, lang=lang, **args)
    if fmt == "json":
        sys.stdout.write(render.as_json(rep).decode())
    elif fmt == "csv":
        sys.stdout.write(render.as_csv(rep))
    elif fmt == "xlsx":
        from streams.officers.xlsx import workbook

        path = Path(output or f"kuota-{name}.xlsx")
        path.write_bytes(workbook(rep, lang))
        console.print(f"{len(rep.rows)} baris / rows -> {path}")
    else:
        console.print(render.as_table(rep, lang))
