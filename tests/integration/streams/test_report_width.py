"""`kuota report allocation --format table` as an officer runs it in a 100-column terminal, over a
ledger holding the Kalimantan Barat 2025 budget structure: every buyer id reads whole on one line
(to be pasted back into `--buyer`), and `--wide` keeps each row on one line."""

import json
import os

import pytest

from ledger.rules.money import format_rupiah
from tests.integration.helpers import kuota
from tests.integration.streams.test_allocation_api import sirup_ledger

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    directory = tmp_path_factory.mktemp("report-width")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_") and k != "COLUMNS"}
    return clean | {"KUOTA_DATABASE_URL": sirup_ledger(directory), "KUOTA_DATA_DIR": str(directory)}


@pytest.fixture(scope="module")
def rows(env) -> list[dict]:
    return json.loads(kuota(env, "report", "allocation", "--format", "json").stdout)


def test_at_100_columns_every_buyer_id_reads_whole_on_one_line(env, rows):
    lines = kuota(env | {"COLUMNS": "100"}, "report", "allocation", "--format", "table").stdout.splitlines()
    assert len(rows) > 80 and max(len(r["buyer_id"]) for r in rows) >= 27
    assert max(map(len, lines)) <= 100 and "…" not in "\n".join(lines)
    cut = [r["buyer_id"] for r in rows if not any(r["buyer_id"] in line.split() for line in lines)]
    assert not cut, f"{len(cut)} ids not whole on a line, e.g. {cut[:3]}"
    budgets = [format_rupiah(r["budget"]) for r in rows if r["budget"] is not None]
    assert all(any(b in line for line in lines) for b in budgets)


def test_a_pasted_id_finds_its_buyer(env, rows):
    lines = kuota(env | {"COLUMNS": "100"}, "report", "allocation").stdout.splitlines()
    pasted = next(w for line in lines for w in line.split() if w.startswith("D197-") and len(w) >= 27)
    again = json.loads(kuota(env, "report", "allocation", "--buyer", pasted, "--format", "json").stdout)
    assert [r["buyer_id"] for r in again] == [pasted]


def test_wide_puts_each_buyer_on_one_line_with_every_column(env, rows):
    lines = kuota(env | {"COLUMNS": "100"}, "report", "allocation", "--wide").stdout.splitlines()
    assert any("Rencana non-UKM" in line for line in lines)  # a column the fitted table leaves out
    for r in rows:
        [line] = [line for line in lines if r["buyer_id"] in line]
        assert (r["name"] or "") in line and format_rupiah(r["planned_ukm"]) in line
