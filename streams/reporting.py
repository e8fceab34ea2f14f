"""Printing reports and the audit for the terminal, as table, JSON or CSV."""

import csv
import sys

import orjson
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ledger.audit import audit
from ledger.db import make_engine, migrate
from ledger import money
from ledger.money import format_rupiah
from ledger.reports import SpendLine, spend
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
