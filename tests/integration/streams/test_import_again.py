"""Importing the same real file again through the real broker and a worker: the second `kuota
import` exits 0 and says, read back from the ledger, 0 new and 37 already recorded; a record
changed at the source (a later addendum) is a correction; no import of an unchanged record is
ever answered with a rejection."""

import json
from pathlib import Path

import pytest

from tests.conftest import running_worker
from tests.integration.helpers import kuota, receipts, sqlite_ledger, wait_until_booked

pytestmark = pytest.mark.integration

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
FILE = REAL / "spse-nontender-kontrak-kalbar-2025.json"  # 37 contracts, none an addendum


def ledger_said(env: dict, path: Path) -> dict:
    """`kuota import --format-out json` of `path` with a worker booking: the file's ledger counts,
    every record decided within the wait (exit 0 required)."""
    doc = json.loads(kuota(env, "import", "--format-out", "json", "--wait", "60", str(path)).stdout)
    assert doc["ok"] is True and doc["ledger_wait"] == {"ended": "decided", "seconds": 60}
    [summary] = doc["files"]
    return summary["ledger"]


def test_a_second_import_of_an_unchanged_file_says_0_new_37_already_recorded_and_exits_0(kuota_env, tmp_path):
    ledger = sqlite_ledger(tmp_path)
    env = kuota_env(ledger)
    rows = json.loads(FILE.read_text())
    assert len(rows) == 37
    warm_up = tmp_path / "one-contract-of-2023.json"
    warm_up.write_text(json.dumps(json.loads((REAL / "spse-nontender-kontrak-kalbar-2023.json").read_text())[:1]))
    with running_worker(env, tmp_path / "worker.log"):
        kuota(env, "import", "--no-wait", str(warm_up))
        wait_until_booked(ledger, 1, "the worker booking")  # it has joined its group and reads the topics

        assert ledger_said(env, FILE) == {"new": 37, "already_recorded": 0, "corrections": 0, "rejected": {},
                                          "undecided": 0}

        again = kuota(env, "import", str(FILE), check=False)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "buku besar / ledger: 0 baru, 37 sudah tercatat / 0 new, 37 already recorded" in again.stdout

        amended = rows[4] | {"versi_addendum": 1, "apakah_addendum": "Ya", "nilai_kontrak": 1_000_000}
        changed = tmp_path / "spse-nontender-kontrak-kalbar-2025-addendum.json"
        changed.write_text(json.dumps([*rows[:4], amended, *rows[5:]]))
        assert ledger_said(env, changed) == {"new": 0, "already_recorded": 36, "corrections": 1, "rejected": {},
                                             "undecided": 0}
        assert ledger_said(env, FILE)["already_recorded"] == 37
    assert "rejected" not in receipts(ledger)  # never a conflicting_duplicate
    assert "AUDIT OK" in kuota(env, "audit").stdout
