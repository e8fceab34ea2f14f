"""The `kuota` command line: thin commands that translate arguments into calls."""

import sys
import traceback
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from streams.errors import ExitCode, ending, traceback_wanted
from streams.officers.access_commands import access_log, keys_app, users_app
from streams.officers.commands import (BUYER, FORMAT, LANG, OUTPUT, PROGRAM, STATUS, registry_app, report_app,
                                       report_overview)
from streams.officers.commands import show_report as _report
from streams.settings import Settings

app = typer.Typer(help="kuota: UMKM procurement quota ledger / buku besar kuota UMKM.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
# Piped output (tests, files) gets a wide console so tables do not wrap figures.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


@app.command()
def up() -> None:
    """Embedded broker + worker + API and dashboard in the foreground; Ctrl-C stops everything cleanly."""
    from streams.worker.run import run_stack

    run_stack(Settings(), console)


@app.command()
def serve(migrate_first: bool = typer.Option(True, "--migrate/--no-migrate", help="migrate the ledger first")) -> None:
    """The officers' API and dashboard only, at KUOTA_API_HOST:KUOTA_API_PORT; reads the ledger."""
    from streams.web.serve import serve as run

    run(Settings(), console, migrate_first=migrate_first)


@app.command()
def worker() -> None:
    """A worker only, against KUOTA_BROKER (scale out by starting more)."""
    from streams.worker.run import run_worker

    run_worker(Settings())


@app.command()
def broker() -> None:
    """Only the embedded broker, in the foreground."""
    from streams.kafka.broker import run_foreground

    run_foreground(Settings(), console)


@app.command()
def migrate() -> None:
    """Create or upgrade the ledger schema (Alembic)."""
    from ledger.db import migrate as run, shown

    settings = Settings()
    run(settings.ledger_url)
    console.print(f"skema buku besar terkini / ledger schema up to date: {shown(settings.ledger_url)}")


@app.command()
def emit(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON lines, one event per line"),
         validate: bool = typer.Option(True, help="validate and journal each line first; --no-validate sends as is, unjournaled")) -> None:
    """Send events to their topics (purchases or suppliers) with a Kafka producer."""
    from streams.kafka.emit import emit_file, print_summary

    summary = emit_file(Settings(), file, validate=validate)
    print_summary(console, summary)
    raise typer.Exit(ExitCode.FAILED if summary.invalid or summary.failed else ExitCode.OK)


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(None, exists=True, dir_okay=False, help="LKPP/SIRUP JSON, OCDS, CSV or XLSX"),
    fmt: str = typer.Option("auto", "--format", help="auto, or one format (the error for a wrong one lists them)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="map and check every record, send nothing"),
    region: str | None = typer.Option(None, help="BPS code of every buyer in the files (instead of the KLPD table)"),
    format_out: str = typer.Option("table", "--format-out", help="table or json"),
    wait: float = typer.Option(30.0, "--wait", metavar="SECONDS",
                               help="how long to wait for the ledger to decide on the records sent"),
    no_wait: bool = typer.Option(False, "--no-wait", help="one look at the ledger, no waiting for its decisions"),
    template: str | None = typer.Option(None, help="write a template instead: purchases, suppliers or budgets"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file for --template (default standard output)"),
) -> None:
    """Import records where they already live (SPSE, e-Katalog, Toko Daring, SIRUP, OCDS, spreadsheets) as events."""
    if template is not None:
        from streams.importers.templates import write_template

        if output is None and sys.stdout.isatty():
            raise typer.BadParameter("an XLSX file is binary: redirect it (> file.xlsx) or give -o FILE",
                                     param_hint="-o")
        write_template(template, output or sys.stdout.buffer)  # an unknown kind is refused before writing
        return
    from streams.importers.run import run_import

    raise typer.Exit(run_import(Settings(), console, files or [], fmt=fmt, dry_run=dry_run, region=region,
                                format_out=format_out, wait=0 if no_wait else wait))


@app.command()
def demo(purchases: int = typer.Option(40_000, help="purchase records to generate"),
         suppliers: int = typer.Option(3_000, help="suppliers to generate"), seed: int = typer.Option(2024),
         timeout: float = typer.Option(240.0, help="seconds to wait for the ledger to catch up"),
         year: int | None = typer.Option(None, help="the demo's year; default the current year, up to today")) -> None:
    """Generate a realistic year, stream it through the real broker, and show what happened."""
    from streams.tools.demo import run_demo

    raise typer.Exit(run_demo(Settings(), console, purchases=purchases, suppliers=suppliers, seed=seed,
                              timeout=timeout, year=year))


app.add_typer(report_app, name="report")
app.add_typer(registry_app, name="registry")
app.command("compliance")(report_overview)
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.command("access-log")(access_log)


targets_app = typer.Typer(help="Programs and budgets on kuota.targets.v1 / program dan pagu.", no_args_is_help=True)
app.add_typer(targets_app, name="targets")


@targets_app.command("apply")
def targets_apply(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="TOML or YAML files"),
    dry_run: bool = typer.Option(False, "--dry-run", help="validate and show the events, send nothing"),
) -> None:
    """Validate officer files ([[program]], [[budget]]) and publish them as target events."""
    from streams.kafka.targets_files import apply_targets, targets_from
    from streams.officers.terminal import print_applied

    if dry_run:
        print_applied(console, [ev for f in files for ev in targets_from(f)])
        return
    print_applied(console, apply_targets(Settings(), files))


@app.command()
def alerts(program: str | None = PROGRAM, buyer: str | None = BUYER, status: str | None = STATUS,
           limit: int | None = typer.Option(None, help="newest N only"), fmt: str = FORMAT,
           output: Path | None = OUTPUT, lang: str = LANG) -> None:
    """Alerts raised (one per change of status), newest first."""
    _report("alerts", fmt, output, lang, None, program=program, buyer=buyer, status=status, limit=limit)


@app.command()
def audit() -> None:
    """Check the books: every record and journaled event accounted for, positions equal to a recount."""
    from ledger.books.audit import audit as check
    from ledger.db import session_for
    from streams.officers.terminal import print_audit

    settings = Settings()
    with session_for(settings.ledger_url) as session:
        report = check(session)
    raise typer.Exit(print_audit(console, report))


@app.command()
def bench(events: int = typer.Option(100_000, min=1, help="purchase events to stream"),
          database_url: str | None = typer.Option(None, help="ledger URL; default a fresh SQLite file"),
          workers: int = typer.Option(2, min=1, help="worker processes in one consumer group"),
          compare: bool = typer.Option(False, "--compare", help="also a hand-written reference consumer and kuota's "
                                                                "work with no broker, on the same events"),
          work_only: bool = typer.Option(False, "--work-only", help="only kuota's work per event, no broker"),
          reference_batch: int | None = typer.Option(None, min=1, help="with --compare: records the reference "
                                                     "commits at once; default kuota's KUOTA_BATCH_SIZE"),
          json_file: Path | None = typer.Option(None, "--json", help="also write the figures to this file")) -> None:
    """Throughput end to end (produced -> committed in the ledger) against the raw consume rate."""
    if work_only:
        from streams.tools.bench_workonly import run_work_only

        run_work_only(console, events=events, database_url=database_url, json_path=json_file)
    elif compare:
        from streams.tools.bench_compare import run_compare

        result = run_compare(Settings(), console, events=events, database_url=database_url, workers=workers,
                             reference_batch=reference_batch, json_path=json_file)
        raise typer.Exit(ExitCode.OK if result["totals_agree"] else ExitCode.FAILED)
    else:
        from streams.tools.bench import run_bench

        run_bench(Settings(), console, events=events, database_url=database_url, workers=workers, json_path=json_file)


@app.command()
def chaos(scenario: str = typer.Option("all", help="crash, rebalance, db_outage, broker_restart, hostile or all"),
          events: int = typer.Option(100_000, help="purchase events each scenario streams"),
          kills: int = typer.Option(10, help="SIGKILLs of the worker in the crash scenario"),
          outage: float = typer.Option(20.0, help="seconds PostgreSQL stays down in db_outage"),
          repeat: int = typer.Option(20, help="times the hostile catalogue is sent in one burst"),
          database_url: str | None = typer.Option(None, help="PostgreSQL for the ledgers; default SQLite")) -> None:
    """Faults on purpose: kills, rebalance, database outage, broker restart, hostile input; exact totals after."""
    from streams.tools.chaos import run_chaos

    raise typer.Exit(run_chaos(console, scenario=scenario, events=events, kills=kills, outage=outage,
                               repeat=repeat, database_url=database_url))


@app.command("bench-reports")
def bench_reports(entries: int = typer.Option(1_000_000, help="purchases in the ledger"),
                  database_url: str = typer.Option("postgresql+psycopg://postgres@127.0.0.1:5432/test",
                                                   help="PostgreSQL database; a scratch schema is made and dropped"),
                  repeat: int = typer.Option(50, help="requests to time")) -> None:
    """Median response time of the compliance overview over a large ledger."""
    from streams.tools.bench_reports import run

    run(console, entries=entries, database_url=database_url, repeat=repeat)


@app.command("bench-import")
def bench_import(records: int = typer.Option(1_000_000, help="records in the generated SPSE file")) -> None:
    """Mapping rate and peak memory of `kuota import --dry-run` on a generated SPSE-shaped file."""
    from streams.tools.bench_import import run

    run(console, records=records)


@app.command("bench-ingest")
def bench_ingest(records: int = typer.Option(100_000, min=1, help="purchases to post"),
                 batch: int = typer.Option(500, min=1, max=10_000, help="records a request"),
                 clients: int = typer.Option(4, min=1, max=64, help="concurrent clients"),
                 database_url: str | None = typer.Option(None, help="PostgreSQL for a scratch ledger; default SQLite"),
                 json: Path | None = typer.Option(None, "--json", help="write the figures to this file")) -> None:
    """Records a second `POST /api/v1/events` acknowledges (committed to the journal), and its latency."""
    from streams.tools.bench_ingest import run

    run(console, records=records, batch=batch, clients=clients, database_url=database_url, json_path=json)


@app.command("bench-latency")
def bench_latency(rate: int = typer.Option(2000, min=1, help="purchases a second, sent every 10 ms"),
                  seconds: float = typer.Option(30.0, min=1, help="how long purchases are sent"),
                  workers: int = typer.Option(1, min=1, help="worker processes in one consumer group"),
                  companies: int = typer.Option(300, min=1, help="companies whose status the purchases change"),
                  spacing: float = typer.Option(10.0, min=0.5, help="seconds between two changes of one company"),
                  database_url: str | None = typer.Option(None, help="ledger URL; default a fresh SQLite file"),
                  json: Path | None = typer.Option(None, "--json", help="write the figures to this file")) -> None:
    """Produce -> alert latency (p50, p99, max) under a steady background of purchases."""
    from streams.tools.bench_latency import run

    run(Settings(), console, rate=rate, seconds=seconds, workers=workers, companies=companies, spacing=spacing,
        database_url=database_url, json_path=json)


def main() -> None:
    """`kuota`: an error ends in one line on stderr and the exit status its class names (`ExitCode`);
    click's own usage errors keep theirs (2). KUOTA_LOG_LEVEL=debug adds the traceback. Passwords and
    keys are masked in every log line and in the error (streams/processes.py)."""
    from streams.processes import protect_secrets

    secrets = protect_secrets()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(128 + 2)  # as a shell reports SIGINT
    except Exception as exc:
        label, message, code = ending(exc)
        if traceback_wanted():
            sys.stderr.write(secrets.mask("".join(traceback.format_exception(exc))))
        err.print(Text.assemble(("kuota: ", "bold red"), f"{label}: {secrets.mask(message)}"), soft_wrap=True,
                  highlight=False)
        sys.exit(code)
