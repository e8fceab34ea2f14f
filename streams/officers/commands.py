"""The officers' commands: `kuota report ...` and `kuota registry ...`."""

import os
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from streams.settings import Settings

# Piped output (tests, files) gets a wide console so tables keep their columns, unless COLUMNS says how wide.
console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)


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
WIDE = typer.Option(False, "--wide", help="table: every column, nothing wrapped, as wide as it takes (less -S)")
BUYER = typer.Option(None, help="one buyer id (`*` for a combined program)")
PROGRAM = typer.Option(None, help="one program_id")
PERIOD = typer.Option(None, help="2024, 2024-Q1 or 2024-03")
STATUS = typer.Option(None, help="breach, at_risk, recovered or met")
YEAR = typer.Option(None, help="one (fiscal) year")


@report_app.callback()
def report(ctx: typer.Context, period: Granularity = typer.Option(Granularity.year, help="year, quarter or month"),
           fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, buyer: str | None = BUYER,
           kind: str | None = typer.Option(None, help="agency or company"), wide: bool = WIDE) -> None:
    """Spend per buyer and period: total, eligible (UMKM and cooperatives), share, and what is pending."""
    if ctx.invoked_subcommand is None:
        show_report("spend", fmt, output, lang, None, wide=wide, granularity=period.value, buyer=buyer, kind=kind)


@report_app.command("overview")
def report_overview(program: str | None = PROGRAM, period: str | None = PERIOD,
                    region: str | None = typer.Option(None, help="the programs of one region (BPS code)"),
                    buyer: str | None = BUYER, status: str | None = STATUS, as_of: str | None = AS_OF,
                    fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, wide: bool = WIDE) -> None:
    """Compliance per program, period and buyer: actual, required, shortfall, share, status, grade
    (`kuota compliance` is the same report)."""
    show_report("overview", fmt, output, lang, as_of, wide=wide, program=program, period=period, region=region,
                buyer=buyer, status=status)


@report_app.command("buyer")
def report_buyer(buyer_id: str = typer.Argument(..., help="the buyer id"), period: str | None = PERIOD,
                 limit: int = typer.Option(1000, help="entries per page"), offset: int = typer.Option(0),
                 as_of: str | None = AS_OF, fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG,
                 wide: bool = WIDE) -> None:
    """One buyer down to each entry: its supplier, the supplier's class that day, and why it counted or not."""
    show_report("buyer", fmt, output, lang, as_of, wide=wide, buyer_id=buyer_id, period=period, limit=limit,
                offset=offset)


@report_app.command("suppliers")
def report_suppliers(supplier: str | None = typer.Option(None, help="one supplier id"), program: str | None = PROGRAM,
                     as_of: str | None = AS_OF, fmt: str = FORMAT, output: Path | None = OUTPUT,
                     lang: str = LANG, wide: bool = WIDE) -> None:
    """What each UMKM or cooperative received, and how much of it counted for each program."""
    show_report("suppliers", fmt, output, lang, as_of, wide=wide, supplier=supplier, program=program)


@report_app.command("trend")
def report_trend(buyer: str | None = BUYER,
                 program: str | None = typer.Option(None, help="count as this program does (default: UMKM and "
                                                               "cooperatives)"),
                 as_of: str | None = AS_OF, fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG,
                 wide: bool = WIDE) -> None:
    """Month by month: total spend, what counted, and the share."""
    show_report("trend", fmt, output, lang, as_of, wide=wide, buyer=buyer, program=program)


@report_app.command("allocation")
def report_allocation(year: int | None = YEAR, buyer: str | None = BUYER, as_of: str | None = AS_OF,
                      fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, wide: bool = WIDE) -> None:
    """Per agency and year: declared budget, planned UKM pagu (SIRUP) and its share, realised spend and its share."""
    show_report("allocation", fmt, output, lang, as_of, wide=wide, year=year, buyer=buyer)


@report_app.command("packages")
def report_packages(year: int | None = YEAR, buyer: str | None = BUYER, as_of: str | None = AS_OF,
                    fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, wide: bool = WIDE) -> None:
    """Per agency and year, package by package: the SIRUP packages planned for UKM beside the e-Katalog
    orders that name them (kd_rup), realised through UMK on either basis or not, or nothing realised yet."""
    show_report("packages", fmt, output, lang, as_of, wide=wide, year=year, buyer=buyer)


@report_app.command("declared")
def report_declared(year: int | None = YEAR, buyer: str | None = BUYER, as_of: str | None = AS_OF,
                    fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, wide: bool = WIDE) -> None:
    """Per buyer: the UMK spend its sources declare beside what kuota's registry supports."""
    show_report("declared", fmt, output, lang, as_of, wide=wide, year=year, buyer=buyer)


@report_app.command("expiring")
def report_expiring(within: int = typer.Option(None, "--within", min=0, max=3660,
                                               help="days ahead (default KUOTA_EXPIRING_DAYS, 30)"),
                    region: str | None = typer.Option(None, help="suppliers registered in this region (BPS code)"),
                    as_of: str | None = typer.Option(None, "--as-of", help="count the days from this date "
                                                                           "(YYYY-MM-DD; default today, WIB)"),
                    fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, wide: bool = WIDE) -> None:
    """Registrations in force that end within DAYS, soonest first, with the buyers that bought from
    each supplier this year: remind them before the spend stops counting."""
    show_report("expiring", fmt, output, lang, as_of, wide=wide, region=region,
                within=Settings().expiring_days if within is None else within)


@report_app.command("flags")
def report_flags(year: int | None = typer.Option(None, min=1900, max=2999, help="one year (default this year, WIB)"),
                 fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG, wide: bool = WIDE) -> None:
    """Signs to check, never acted on: suppliers paid more than their class's annual-sales ceiling
    (PP 7/2021), three or more same-day purchases past a channel's cap (KUOTA_SPLIT_CAPS), UMK
    credit on a purchase from a supplier registered large."""
    show_report("flags", fmt, output, lang, None, wide=wide, year=year, caps=Settings().split_caps)


@report_app.command("duplicates")
def report_duplicates(region: str | None = typer.Option(None, help="suspects with a supplier in this region (BPS code)"),
                      score: int | None = typer.Option(None, min=50, max=100,
                                                       help="how alike names must be, 50-100 (default "
                                                            "KUOTA_DUPLICATE_NAME_SCORE, 90)"),
                      fmt: str = FORMAT, output: Path | None = OUTPUT, lang: str = LANG,
                      wide: bool = WIDE) -> None:
    """Data ganda: supplier ids that state one NIB or NPWP, or share a (nearly) same name in one kecamatan,
    with the spend booked under each; pairs an officer merged or found distinct are left out."""
    show_report("duplicates", fmt, output, lang, None, wide=wide, region=region,
                score=Settings().duplicate_name_score if score is None else score)


def show_report(name: str, fmt: str, output: Path | None, lang: str, as_of: str | None, *, wide: bool = False,
                **args) -> None:
    from ledger.db import session_for
    from streams.officers import packages
    from streams.officers.terminal import build, parse_as_of, show

    moment = parse_as_of(as_of)
    with session_for(Settings().ledger_url) as session:
        if name == "packages":
            report = packages.build(session, lang=lang, as_of=moment, **args)
        else:
            report = build(session, name, lang=lang, as_of=moment, **args)
    show(console, report, fmt=fmt, lang=lang, output=output, stem=name, wide=wide)


REASON = typer.Option(..., "--reason", help="why, in a few words (kept with the finding)")
DRY_RUN = typer.Option(False, "--dry-run", help="show the event, send nothing")


@registry_app.command("merge")
def registry_merge(keep: str = typer.Argument(..., help="the supplier id that stays"),
                   other: str = typer.Argument(..., help="the id found to be the same business"),
                   reason: str = REASON, dry_run: bool = DRY_RUN) -> None:
    """OTHER is the same business as KEEP: from now on its purchases count as KEEP's."""
    send_finding("merge", keep, other, reason, dry_run)


@registry_app.command("unmerge")
def registry_unmerge(keep: str = typer.Argument(..., help="the supplier id of the merge"),
                     other: str = typer.Argument(..., help="the id merged into it"),
                     reason: str = REASON, dry_run: bool = DRY_RUN) -> None:
    """Undo a merge of OTHER into KEEP: each counts as itself again."""
    send_finding("unmerge", keep, other, reason, dry_run)


@registry_app.command("distinct")
def registry_distinct(first: str = typer.Argument(..., metavar="A", help="a supplier id"),
                      second: str = typer.Argument(..., metavar="B", help="the other supplier id"),
                      reason: str = REASON, dry_run: bool = DRY_RUN) -> None:
    """A and B look alike but are different businesses: the duplicates report no longer lists the pair."""
    send_finding("distinct", first, second, reason, dry_run)


def send_finding(action: str, first: str, second: str, reason: str, dry_run: bool) -> None:
    import orjson

    from schemas.events import supplier_key
    from streams.kafka import registry_events

    event = registry_events.finding(action, first, second, reason)
    if dry_run:
        sys.stdout.write(orjson.dumps(event.model_dump(mode="json"), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    settings = Settings()
    registry_events.send_finding(settings, event)
    console.print(f"{event.type} {supplier_key(event)} ({event.event_id}) terkirim / sent; laporan berubah setelah "
                  f"worker membukukannya / reports follow once the worker books it", highlight=False)
