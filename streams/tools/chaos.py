"""`kuota chaos`: the ledger under faults, each fault a scenario that checks exact totals.

Every scenario produces known input, breaks something mid-stream, lets the system recover on
its own, then compares the ledger with figures computed from what was produced: entries, sum
of amounts, receipts by outcome, the audit. A scenario returns its figures; `problems` is
empty when nothing was lost and nothing was counted twice. This module runs the scenarios on a
private broker and prints their figures; the scenarios are in chaos_workers.py (crash,
rebalance), chaos_outages.py (db_outage, broker_restart) and chaos_hostile.py (hostile), their
harness in faults.py.
"""

import time
from pathlib import Path

import orjson

from streams.kafka.broker import EmbeddedBroker
from streams.tools.bench import ledger_url
from streams.tools.chaos_hostile import hostile
from streams.tools.chaos_outages import broker_restart, db_outage
from streams.tools.chaos_workers import crash, rebalance
from streams.tools.faults import Stage
from streams.tools.procs import free_port

__all__ = ["SCENARIOS", "broker_restart", "crash", "db_outage", "hostile", "rebalance", "run_chaos"]

SCENARIOS = ("crash", "rebalance", "db_outage", "broker_restart", "hostile")


def run_chaos(console, *, scenario: str = "all", events: int = 100_000, kills: int = 10, outage: float = 20.0,
              repeat: int = 20, database_url: str | None = None) -> int:
    """Run scenarios on a private embedded broker; print their figures; 1 when any found a problem."""
    names = SCENARIOS if scenario == "all" else (scenario,)
    root = Path("chaos-results") / time.strftime("%Y%m%d-%H%M%S")
    results = []
    broker = EmbeddedBroker(f"127.0.0.1:{free_port()}", root / "broker.log")
    root.mkdir(parents=True, exist_ok=True)
    broker.start()
    try:
        for name in names:
            workdir = root / name
            workdir.mkdir()
            console.print(f"[bold]{name}[/] ...")
            started = time.monotonic()
            try:
                with ledger_url(database_url, workdir) as url:
                    result = _one(name, broker.bootstrap, workdir, url, events, kills, outage, repeat)
            except Exception as exc:  # a scenario that cannot finish is a finding, not a crash of the suite
                result = {"scenario": name, "problems": [f"{type(exc).__name__}: {exc}"]}
            result["seconds"] = round(time.monotonic() - started)
            results.append(result)
            _print(console, result)
    finally:
        broker.stop()
    (root / "result.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2, default=str))
    failed = [r["scenario"] for r in results if r["problems"]]
    console.print(f"[{'red' if failed else 'green'}]chaos: {len(results) - len(failed)} of {len(results)} "
                  f"scenarios ended with exact totals[/]; figures in {root}/result.json")
    return 1 if failed else 0


def _one(name, bootstrap, workdir, url, events, kills, outage, repeat) -> dict:
    if name == "crash":
        return crash(Stage(bootstrap, url, workdir), events=events, kills=kills)
    if name == "rebalance":
        return rebalance(Stage(bootstrap, url, workdir), events=events)
    if name == "db_outage":
        return db_outage(bootstrap, workdir, events=events, outage=outage)
    if name == "broker_restart":
        return broker_restart(workdir, url, events=events)
    if name == "hostile":
        return hostile(Stage(bootstrap, url, workdir), repeat=repeat)
    raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)} or all")


def _print(console, result: dict) -> None:
    shown = {k: v for k, v in result.items() if k not in ("scenario", "problems")}
    console.print("  " + ", ".join(f"{k} {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {v}"
                                   for k, v in shown.items()))
    for problem in result["problems"][:20]:
        console.print(f"  [red]PROBLEM[/]: {problem}")
    if not result["problems"]:
        console.print("  [green]OK[/]: 0 lost, 0 counted twice, audit clean")
