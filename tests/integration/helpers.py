"""Small helpers shared by the integration and end-to-end tests."""

import json
import subprocess
import sys
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ledger.db import migrate
from ledger.models import Receipt
from ledger.models.access import JournalEntry
from tests import factories
from tests.conftest import wait_until

# The events the worker and end-to-end tests send: a Dinas Kesehatan of Kabupaten Bekasi buying
# from suppliers registered as "UMKM <id>".
purchase = partial(factories.purchase, buyer_name="Dinas Kesehatan")
reversal = partial(factories.reversal, at="2024-03-20T09:00:00+07:00")


def registration(event_id: str, supplier: str, scale: str = "mikro", valid_from: str = "2024-01-01") -> dict:
    return factories.registration(event_id, supplier, scale, valid_from=valid_from, name=f"UMKM {supplier}")


def sqlite_ledger(directory: Path) -> str:
    """The URL of a fresh SQLite ledger, `kuota.db` in `directory`, migrated to the newest version."""
    url = f"sqlite:///{directory / 'kuota.db'}"
    migrate(url)
    return url


def write_jsonl(path, docs) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))


def kuota(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "streams", *args], env=env, capture_output=True, text=True,
                            timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"kuota {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def receipts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            rows = s.execute(select(Receipt.outcome, func.count()).group_by(Receipt.outcome)).all()
        return dict(rows)
    finally:
        engine.dispose()


def report_json(env: dict, *args: str) -> list[dict]:
    return json.loads(kuota(env, "report", "--format", "json", *args).stdout)


def imported(env: dict, *files, wait: bool = False) -> dict:
    """`kuota import` of `files`: the summary it prints as JSON. Without `wait` it looks at the
    ledger's decisions once and does not wait for them (the tests wait for the bookings themselves)."""
    return json.loads(kuota(env, "import", "--format-out", "json", *([] if wait else ["--no-wait"]),
                            *map(str, files)).stdout)


def sent(summary: dict) -> int:
    """How many events an import's summary says it sent."""
    return sum(sum(f["events"].values()) for f in summary["files"])


def journaled(url: str) -> int:
    """How many events the intake journal holds."""
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            return s.scalar(select(func.count()).select_from(JournalEntry)) or 0
    finally:
        engine.dispose()


def booked(url: str) -> int:
    """How many records the ledger has a receipt for, whatever their outcome."""
    return sum(receipts(url).values())


def wait_until_booked(url: str, count: int, what: str, timeout: float = 120) -> None:
    wait_until(lambda: booked(url) == count, timeout=timeout, what=what)
