"""The officers' commands: `kuota report ...` and `kuota registry ...`."""

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from streams.settings import Settings

# Piped output (tests, files) gets a wide console so tables do not wrap figures.
console = Console(width=None if sys.stdout.isatty() else 200)


class Granularity(StrEnum):
    year = "year"
    quarter = "quarter"
    month = "month"


registry_app = typer.Typer(help="The supplier registry: officers' findings on duplicates / registri penyedia.",
                           no_args_is_help=True)
report_app = typer.Typer(help="Reports for officers / laporan. Without a subcommand: spend per buyer and period.",
                         invoke_without_command=True)

AS_OF = typer.Option(None, "--as-of", help="what the ledger knew at this moment (RFC 3339 or YYYY-MM-DD)")
FORMAT = typer.Option("table", "--format", "-f", help="table, json, csv or xlsx")
OUTPUT = typer.Option(None, "--output", "-o", help="file for xlsx (default kuota-<report>.xlsx)")
LANG = typer.Option("id", help="id (Bahasa Indonesia) or en")
BUYER = typer.Option(None, help="one buyer id (`*` for a combined program)")
PROGRAM = typer.Option(None, help="one program_id")
PERIOD = typer.Option(None, help="2024, 2024-Q1 or 2024-03")
STATUS = typer.Option(None, help="breach, at_risk, recovered or met")
YEAR = typer.Option(None, help="one (fiscal) year")


@report_app.callback()
def report(ctx: typer.Context, period: Granularity = typer.Option(Granularity.year, help="year, quarter or month"),
           fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, buyer: str | None = BUYER,
           kind: str | None = typer.Option(None, help="agency or company")) -> None:
    """Spend per buyer and period: total, eligible (UMKM and cooperatives), share, and what is pending."""
    if ctx.invoked_subcommand is None:
        show_report("spend", fmt, output, lang, None, granularity=period.value, buyer=buyer, kind=kind)


@report_app.command("overview")
def report_overview(program: str | None = PROGRAM, period: str | None = PERIOD,
                    region: str | None = typer.Option(None, help="the programs of one region (BPS code)"),
                    buyer: str | None = BUYER, status: str | None = STATUS, as_of: str | None = AS_OF,
                    fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG) -> None:
    """Compliance per program, period and buyer: actual, required, shortfall, share, status, grade
    (`kuota compliance` is the same report)."""
    show_report("overview", fmt, output, lang, as_of, program=program, period=period, region=region, buyer=buyer,
            status=status)


@report_app.command("buyer")
def report_buyer(buyer_id: str = typer.Argument(..., help="the buyer id"), period: str | None = PERIOD,
                 limit: int = typer.Option(1000, help="entries per page"), offset: int = typer.Option(0),
                 as_of: str | None = AS_OF, fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG) -> None:
    """One buyer down to each entry: its supplier, the supplier's class that day, and why it counted or not."""
    show_report("buyer", fmt, output, lang, as_of, buyer_id=buyer_id, period=period, limit=limit, offset=offset)


@report_app.command("suppliers")
def report_suppliers(supplier: str | None = typer.Option(None, help="one supplier id"), program: str | None = PROGRAM,
                     as_of: str | None = AS_OF, fmt: str = FORMAT, output: Path | None = OUTPUT,
                     lang: str = LANG) -> None:
    """What each UMKM or cooperative received, and how much of it counted for each program."""
    show_report("suppliers", fmt, output, lang, as_of, supplier=supplier, program=program)


@report_app.command("trend")
def report_trend(buyer: str | None = BUYER,
                 program: str | None = typer.Option(None, help="count as this program does (default: UMKM and "
                                                               "cooperatives)"),
                 as_of: str | None = AS_OF, fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG) -> None:
    """Month by month: total spend, what counted, and the share."""
    show_report("trend", fmt, output, lang, as_of, buyer=buyer, program=program)


@report_app.command("allocation")
def report_allocation(year: int | None = YEAR, buyer: str | None = BUYER, as_of: str | None = AS_OF,
                      fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG) -> None:
    """Per agency and year: declared budget, planned UKM pagu (SIRUP) and its share, realised spend and its share."""
    show_report("allocation", fmt, output, lang, as_of, year=year, buyer=buyer)


@report_app.command("declared")
def report_declared(year: int | None = YEAR, buyer: str | None = BUYER, as_of: str | None = AS_OF,
                    fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG) -> None:
    """Per buyer: the UMK spend its sources declare beside what kuota's registry supports."""
    show_report("declared", fmt, output, lang, as_of, year=year, buyer=buyer)


def show_report(name: str, fmt: str, output: Path | None, lang: str, as_of: str | None, **args) -> None:
    from ledger.db import session_for
    from streams.officers.terminal import build, parse_as_of, show

    moment = parse_as_of(as_of)
    with session_for(Settings().ledger_url) as session:
        report = build(session, name, lang=lang, as_of=moment, **args)
    show(console, report, fmt=fmt, lang=lang, output=output, stem=name)
