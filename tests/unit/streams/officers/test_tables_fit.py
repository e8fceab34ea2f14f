"""Officers' reports at the terminal on ids as long as LKPP's (`D197-1.03.2.22.0.00.01.0000`): at
100 columns every id and every figure reads whole on one line, so an id can be pasted back into
`--buyer`; names wrap; `--wide` prints every column of a row on one line."""

import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

from ledger.reports.allocation import AllocationLine, PackageLine
from ledger.reports.buyers import BuyerDetail, EntryLine
from ledger.reports.spend import SpendLine, TrendPoint
from ledger.reports.standings import ComplianceLine
from ledger.rules.money import format_rupiah
from streams.officers import reports
from streams.officers.tables import as_table
from streams.officers.terminal import show

BUDGETS = Path(__file__).parents[3] / "fixtures" / "realdata" / "rup-struktur-anggaran-kalbar-2025.json"
UNITS = [(f"{r['kd_klpd']}-{r['kd_satker_str']}", r["nama_satker"], r["belanja_pengadaan"])
         for r in json.loads(BUDGETS.read_bytes()) if r["belanja_pengadaan"]][:12]
PROGRAM = "pp-12-2021-pasal-65-nasional-6100"
AT = datetime(2025, 3, 5, 3, 0, tzinfo=timezone.utc)


def allocation() -> reports.Report:
    lines = [AllocationLine(b, name, "6100", 2025, budget, 3, budget // 7, budget // 9, 1_000_000, budget // 11, None,
                            (PackageLine("1", "Paket", budget // 9, None, "Nilai pagu > Rp 15 miliar"),), ())
             for b, name, budget in UNITS]
    return reports.allocation([reports.allocation_row(x) for x in lines])


def overview() -> reports.Report:
    return reports.overview([ComplianceLine(PROGRAM, "Aturan 40% nasional", "share_of_budget", b, name, "6100",
                                            "2025", budget // 11, budget * 4 // 10, budget * 3 // 10, budget // 3,
                                            budget, 909, "breach", "E", None) for b, name, budget in UNITS])


def buyer() -> reports.Report:
    b, name, _ = UNITS[0]
    entries = [EntryLine(f"spse-nontender-kontrak-2025-{n:08d}-{n:04d}", "purchase", AT, AT, date(2025, 3, 5),
                         f"npwp:09673048177{n:05d}", "CV. BERKAH JAYA ABADI SENTOSA", "unregistered", False, True,
                         "pengadaan_langsung", 187_654_321 * n, False, None, {PROGRAM: (False, "unregistered")})
               for n in range(1, 6)]
    return reports.buyer(BuyerDetail(b, name, "agency", "6100", [], entries, len(entries), [PROGRAM]))


def spend() -> reports.Report:
    return reports.spend([SpendLine(b, name, "agency", "6100", "2025", budget, budget // 3) for b, name, budget in UNITS])


def trend() -> reports.Report:
    return reports.trend([TrendPoint(b, "2025-03", budget, budget // 3) for b, _, budget in UNITS])


def ids_of(report: reports.Report) -> set[str]:
    return {str(row[c.key]) for row in report.rows for c in report.columns if c.key.endswith("_id")}


def figures_of(report: reports.Report) -> set[str]:
    return {format_rupiah(row[c.key]) for row in report.rows for c in report.columns
            if c.kind == "rupiah" and c.key in (report.brief or [c.key]) and row[c.key] is not None}


def printed(report: reports.Report, width: int, *, wide: bool = False) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO())
    show(console, report, fmt="table", lang="id", output=None, stem="x", wide=wide)
    return console.export_text().splitlines()


@pytest.mark.parametrize("build", [allocation, overview, buyer, spend, trend])
@pytest.mark.parametrize("width", [100, 80])
def test_every_id_and_figure_reads_whole_on_one_line_and_no_line_is_wider_than_the_terminal(build, width):
    report = build()
    lines = printed(report, width)
    assert max(map(len, lines)) <= width
    assert "…" not in "\n".join(lines)
    whole = ids_of(report) | figures_of(report)
    assert len(ids_of(report)) >= 5 and max(map(len, ids_of(report))) >= 27
    assert not {x for x in whole if not any(x in line for line in lines)}, "\n".join(lines)


def test_a_report_that_fits_is_a_table_its_names_wrapped_beside_their_whole_ids():
    lines = printed(allocation(), 200)  # as wide as piped output
    assert any("ID pembeli" in line and "Pagu pengadaan" in line for line in lines)  # one table, one heading row
    b, name, budget = max(UNITS, key=lambda u: len(u[1]))
    [row] = [line for line in lines if b in line]
    assert format_rupiah(budget) in row and name.split()[0] in row
    text = "\n".join(lines)
    assert name not in text and all(word in text for word in name.split())  # wrapped between its words


def test_too_narrow_for_a_table_each_row_is_a_block_of_headings_and_values():
    lines = printed(allocation(), 100)
    b, name, budget = UNITS[0]
    assert any(line.split() == ["ID", "pembeli", b] for line in lines)
    assert any(line.rstrip().endswith(format_rupiah(budget)) and "Pagu pengadaan" in line for line in lines)


def test_wide_prints_every_column_of_a_row_on_one_line_however_narrow_the_terminal():
    report = allocation()
    lines = printed(report, 100, wide=True)
    assert max(map(len, lines)) > 100
    assert any("Rencana non-UKM" in line for line in lines)  # not one of the brief columns
    for b, name, budget in UNITS:
        [row] = [line for line in lines if b in line]
        assert name in row and format_rupiah(budget) in row and format_rupiah(budget // 9) in row


def test_the_table_as_every_caller_prints_it_keeps_its_words():
    table = as_table(buyer(), "en")
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(table)
    text = console.export_text()
    assert "CV. BERKAH JAYA ABADI SENTOSA" in text and "unregistered" in text and "Event" in text
