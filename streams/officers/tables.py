"""One shape for every officer report (title, what it covers, columns, rows) and its renderings:
a terminal table, JSON, CSV and XLSX. Money stays integer rupiah in JSON, CSV and XLSX cells;
only the terminal shows `Rp 1.250.000` and `30,33%`."""

import csv
import io
from dataclasses import dataclass, field

import orjson
from rich.table import Table

from ledger.rules.money import format_rupiah


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    id: str  # header in Bahasa Indonesia
    en: str
    kind: str = "text"  # text | rupiah | bp (basis points, shown as a percentage) | int


@dataclass
class Report:
    title: str
    columns: list[Column]
    rows: list[dict]
    about: dict[str, str] = field(default_factory=dict)  # program, period, as of ... for the header sheet
    totals: tuple[str, ...] = ()  # rupiah columns summed in a last row of the XLSX


def as_json(report: Report) -> bytes:
    return orjson.dumps(report.rows, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in report.columns])
    for row in report.rows:
        writer.writerow([_plain(row.get(c.key), c) for c in report.columns])
    return out.getvalue()


def as_table(report: Report, lang: str = "id") -> Table:
    table = Table(*[c.en if lang == "en" else c.id for c in report.columns], title=report.title)
    for row in report.rows:
        table.add_row(*[_shown(row.get(c.key), c) for c in report.columns])
    return table


def percent(bp: int | None, sep: str = ",") -> str:
    """Basis points as a percentage with two decimals, rounded down: 2999 -> `29,99%`."""
    if bp is None:
        return "-"
    sign = "-" if bp < 0 else ""
    whole, frac = divmod(abs(bp), 100)
    return f"{sign}{whole}{sep}{frac:02d}%"


def _shown(value, column: Column) -> str:
    if value is None:
        return "-"
    if column.kind == "rupiah":
        return format_rupiah(value)
    if column.kind == "bp":
        return percent(value)
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


def _plain(value, column: Column):
    if value is None:
        return ""
    if column.kind == "bp":
        return percent(value, ".").rstrip("%")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
