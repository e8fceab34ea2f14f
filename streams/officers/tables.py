"""One shape for every officer report (title, what it covers, columns, rows) and its renderings:
a terminal table, JSON and CSV (XLSX in `xlsx`). Money stays integer rupiah in JSON, CSV and
XLSX cells; only the terminal shows `Rp 1.250.000` and `30,33%`."""

import csv
import io
from dataclasses import dataclass, field

import orjson

from ledger.rules.money import format_rupiah, percent
from streams.officers.fit import WHOLE, WHOLE_WORDS, WORDS, Sheet
from streams.officers.words import YES_NO, heading, word


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    kind: str = "text"  # text | id | ids (between spaces) | rupiah | bp (basis points, a percentage) | int | status ...
    label: str = ""  # the key of its heading in `words.HEADINGS` when not the column's own

    def heading(self, lang: str) -> str:
        return heading(self.label or self.key, lang)

    @property
    def holds(self) -> str:
        """Ids and figures are never cut or wrapped (an id is pasted back into `--buyer`); words wrap."""
        if self.kind == "ids":
            return WHOLE_WORDS
        return WHOLE if self.kind in ("id", "rupiah", "bp", "int") or self.key.endswith("_id") else WORDS


@dataclass
class Report:
    title: str
    columns: list[Column]
    rows: list[dict]
    about: dict[str, str] = field(default_factory=dict)  # program, period, as of ... for the header sheet
    totals: tuple[str, ...] = ()  # rupiah columns summed in a last row of the XLSX
    empty_ledger: bool = False  # no row because the ledger holds nothing yet (not a filter that matched none)
    when_empty: str | None = None  # the key of the words said when no row matches, if not `nothing_matches`
    empty_detail: str | None = None  # said after those words: what this ledger lacks (e.g. the regions no program covers)
    brief: tuple[str, ...] = ()  # the columns a terminal table shows when not all fit (files keep every one)


def columns(*specs: str) -> list[Column]:
    """`columns("program_id", "actual|rupiah", "name=supplier_name")`: a column per key, its kind
    after a bar, the key of its heading after an equals sign."""
    out = []
    for spec in specs:
        spec, _, kind = spec.partition("|")
        key, _, label = spec.partition("=")
        out.append(Column(key, kind or "text", label))
    return out


def as_json(report: Report) -> bytes:
    return orjson.dumps(report.rows, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"


# A spreadsheet reads a cell starting with one of these as a formula (tab and CR can hide one
# behind them): names, filters and notes come from senders, so such text must stay text (OWASP,
# CSV injection). Numbers are never text here, so a negative amount stays a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_csv(report: Report) -> str:
    """Text that a spreadsheet would take for a formula is written with a leading `'` (OWASP's
    advice), which makes it text to the spreadsheet; figures are written as they are."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in report.columns])
    for row in report.rows:
        writer.writerow(["'" + value if formula_like(value := row.get(c.key)) else _plain(value, c)
                         for c in report.columns])
    return out.getvalue()


def as_table(report: Report, lang: str = "id", *, wide: bool = False) -> Sheet:
    """The terminal's rendering (`fit.Sheet`): the brief columns, fitted to the width shown; with
    `wide`, every column (`Sheet.wide()` prints them unwrapped)."""
    shown = [c for c in report.columns if wide or not report.brief or c.key in report.brief]
    rows = [[_shown(row.get(c.key), c, lang) for c in shown] for row in report.rows]
    return Sheet(report.title, [c.heading(lang) for c in shown], rows, [c.holds for c in shown])


def _shown(value, column: Column, lang: str) -> str:
    if (said := word(column.kind, value, lang)) is not None:
        return said
    if value is None:
        return "-"
    if column.kind == "rupiah":
        return format_rupiah(value)
    if column.kind == "bp":
        return percent(value)
    if isinstance(value, bool):
        return YES_NO.get(lang, YES_NO["id"])[0 if value else 1]
    if hasattr(value, "strftime") and hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _plain(value, column: Column):
    if value is None:
        return ""
    if column.kind == "bp":
        return percent(value, ".").rstrip("%")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
