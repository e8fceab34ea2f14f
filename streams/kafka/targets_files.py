"""Officers' side of the programs: targets files to the topic, standings and alerts to the terminal."""

import csv
import sys
import tomllib
from pathlib import Path

import orjson
import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from ledger.db import make_engine, migrate
from ledger.rules.money import format_rupiah
from ledger.reports.standings import ComplianceLine, alerts, compliance
from ledger.errors import KuotaError
from schemas.targets import BudgetDeclared, ProgramDefined, events_from_document, target_key
from streams.kafka.producer import make_producer
from streams.officers.tables import percent
from streams.settings import TARGETS, Settings
from streams.kafka.topics import ensure_topics

STATUS = {"id": {"met": "memenuhi", "at_risk": "berisiko", "breach": "di bawah target", "recovered": "pulih",
                 None: "belum dinilai"},
          "en": {"met": "met", "at_risk": "at risk", "breach": "breach", "recovered": "recovered", None: "not yet"}}


class TargetsFileError(KuotaError):
    pass


def read_document(path: Path) -> dict:
    """An officer's file: TOML (`.toml`) or YAML (`.yaml`, `.yml`)."""
    text = path.read_text(encoding="utf-8")
    try:
        doc = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise TargetsFileError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'YAML'}: {exc}") from exc
    if not isinstance(doc, dict):
        raise TargetsFileError(f"{path}: expected tables of [[program]] and [[budget]]")
    return doc


def targets_from(path: Path) -> tuple[ProgramDefined | BudgetDeclared, ...]:
    try:
        return events_from_document(read_document(path))
    except ValueError as exc:
        raise TargetsFileError(f"{path}:\n{exc}") from exc


def apply_targets(settings: Settings, paths: list[Path]) -> list[ProgramDefined | BudgetDeclared]:
    """Validate every file first, then publish all their events (none when one file is bad)."""
    events = [ev for path in paths for ev in targets_from(path)]
    ensure_topics(settings)
    producer = make_producer(settings)
    try:
        futures = [producer.send(settings.topic(TARGETS), key=target_key(ev).encode(),
                                 value=orjson.dumps(ev.model_dump(mode="json"))) for ev in events]
        producer.flush()
        for f in futures:
            f.get(timeout=30)
    finally:
        producer.close()
    return events


def print_applied(console: Console, events) -> None:
    table = Table("jenis / type", "kunci / key", "event_id", title="target terkirim / targets sent")
    for ev in events:
        table.add_row(ev.type, target_key(ev), ev.event_id)
    console.print(table)


def print_compliance(settings: Settings, console: Console, *, program=None, period=None, buyer=None,
                     fmt: str = "table", lang: str = "id") -> None:
    migrate(settings.ledger_url)
    with Session(make_engine(settings.ledger_url)) as session:
        lines = compliance(session, program, period, buyer)
    if fmt == "json":
        sys.stdout.write(orjson.dumps([_line_json(x) for x in lines], option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if fmt == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(["program_id", "buyer_id", "name", "period", "actual", "required", "shortfall", "total",
                      "base", "share_percent", "status", "grade"])
        for x in lines:
            out.writerow([x.program_id, x.buyer_id, x.name or "", x.period, x.actual, x.required, x.shortfall,
                          x.total, "" if x.base is None else x.base, _pct(x), x.status or "", x.grade or ""])
        return
    head = {"id": ("Program", "Pembeli", "Periode", "Realisasi", "Wajib", "Kekurangan", "Porsi", "Status", "Nilai"),
            "en": ("Program", "Buyer", "Period", "Actual", "Required", "Shortfall", "Share", "Status", "Grade")}
    table = Table(*head.get(lang, head["id"]))
    for x in lines:
        table.add_row(x.program_id, x.name or x.buyer_id, x.period, format_rupiah(x.actual),
                      format_rupiah(x.required), format_rupiah(x.shortfall),
                      percent(x.share_bp) if x.base else "-",
                      STATUS.get(lang, STATUS["id"]).get(x.status, x.status), x.grade or "-")
    console.print(table)


def _pct(x: ComplianceLine) -> str:
    return "" if x.share_bp is None else f"{x.share_bp // 100}.{x.share_bp % 100:02d}"


def _line_json(x: ComplianceLine) -> dict:
    return {"program_id": x.program_id, "program": x.program, "kind": x.kind, "buyer_id": x.buyer_id,
            "name": x.name, "period": x.period, "actual": x.actual, "required": x.required,
            "shortfall": x.shortfall, "total": x.total, "base": x.base, "share_bp": x.share_bp,
            "status": x.status, "grade": x.grade,
            "changed_at": x.changed_at.isoformat() if x.changed_at else None}


def print_alerts(settings: Settings, console: Console, *, program=None, buyer=None, status=None,
                 limit: int | None = None, fmt: str = "table") -> None:
    from streams.worker.webhooks import message

    migrate(settings.ledger_url)
    with Session(make_engine(settings.ledger_url)) as session:
        rows = alerts(session, program, buyer, status, limit)
        messages = [message(a) for a in rows]
        published = [a.published_at is not None for a in rows]
    if fmt == "json":
        sys.stdout.write(orjson.dumps([m.model_dump(mode="json") for m in messages],
                                      option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if fmt == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(list(messages[0].model_dump()) if messages else ["alert_id"])
        for m in messages:
            out.writerow(list(m.model_dump(mode="json").values()))
        return
    table = Table("terdeteksi / detected", "program", "pembeli / buyer", "periode", "status", "sebelumnya / before",
                  "realisasi / actual", "wajib / required", "kekurangan / shortfall", "terkirim / sent")
    for m, sent in zip(messages, published):
        table.add_row(m.detected_at.strftime("%Y-%m-%d %H:%M"), m.program, m.buyer_id, m.period, m.status,
                      m.previous_status or "-", format_rupiah(m.actual), format_rupiah(m.required),
                      format_rupiah(m.shortfall), "ya" if sent else "belum")
    console.print(table)
