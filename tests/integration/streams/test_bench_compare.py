"""`kuota bench --compare` end to end on a small run, and the reference consumer's bookkeeping."""

import json
import subprocess
import sys
from collections import Counter

import orjson
import pytest

from streams.tools.bench_reference import book, open_store, totals
from tests import factories

pytestmark = pytest.mark.integration

FIGURES = ("kuota_eps", "reference_eps", "raw_eps", "workonly_eps", "workers")


@pytest.mark.timeout(600)
def test_compare_measures_four_rates_and_both_consumers_end_with_the_same_totals(tmp_path):
    out = tmp_path / "compare.json"
    run = subprocess.run([sys.executable, "-m", "streams", "bench", "--compare", "--events", "2000", "--json",
                          str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=540)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(out.read_text())
    assert {name: result[name] > 0 for name in FIGURES} == dict.fromkeys(FIGURES, True)
    assert result["events"] == 2000 and result["workers"] == 2
    assert result["totals_agree"] and result["totals"]["classes_agree"]
    assert result["totals"]["kuota_amount"] == result["totals"]["reference_amount"] > 0
    assert result["reference_outcome"] == {"applied": 2000}
    assert "totals agree" in run.stdout
    assert list(tmp_path.glob("bench-results/*/result.json"))


def test_a_redelivered_batch_adds_nothing_and_pending_purchases_are_kept_but_not_counted(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    batch = [orjson.dumps(factories.purchase(f"evt-{i:08d}", 1_000)) for i in range(3)]
    batch.append(orjson.dumps(factories.purchase("evt-00000099", 5_000, state="pending")))
    assert book(engine, batch, {}) == Counter(applied=4, duplicate=0)
    assert book(engine, batch + batch[:1], {}) == Counter(applied=0, duplicate=5)
    with engine.connect() as conn:
        assert conn.execute(totals.select()).all() == [("opd-3216-dinkes", "2024-03", "unregistered", 3_000, 3)]
    engine.dispose()
