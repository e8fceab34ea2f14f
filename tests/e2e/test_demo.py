"""`kuota demo` as a user runs it; its printed figures against sums computed independently."""

import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from streams.demo_data import generate
from tests.e2e.oracle import expected

pytestmark = pytest.mark.e2e

SEED, PURCHASES, SUPPLIERS = 2024, 40_000, 3_000  # the defaults of `kuota demo`


def rupiah(text: str) -> int:
    assert text.startswith("Rp "), text
    return int(text[3:].replace(".", ""))


def share(total: int, eligible: int) -> str:
    bp = (eligible * 10_000 * 2 + total) // (total * 2)
    return f"{bp // 100},{bp % 100:02d}%"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")}
    env.update(KUOTA_DATA_DIR=str(data_dir))
    run = subprocess.run([sys.executable, "-m", "streams", "demo"], env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout, env, data_dir


@pytest.fixture(scope="module")
def oracle():
    return expected(generate(SEED, purchases=PURCHASES, suppliers=SUPPLIERS))


def test_demo_counts_equal_the_independent_oracle(demo, oracle):
    out, _, _ = demo
    printed = {m[1]: int(m[2]) for m in re.finditer(r"^\s*(applied|duplicate|rejected): (\d+)$", out, re.M)}
    reasons = {m[1]: int(m[2]) for m in re.finditer(r"^\s*rejected (\w+): (\d+)$", out, re.M)}
    want = oracle.outcomes
    rejected = {k: v for k, v in want.items() if k not in ("applied", "duplicate")}
    assert printed["applied"] == want["applied"]
    assert printed["duplicate"] == want["duplicate"]
    assert printed["rejected"] == sum(rejected.values())
    assert reasons == rejected
    assert re.search(r"^diterima / received: (\d+)$", out, re.M)[1] == str(sum(want.values()))


def test_demo_top_buyers_equal_independent_sums(demo, oracle):
    out, _, _ = demo
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 10
    year = {buyer: figures for (buyer, y), figures in oracle.totals.items() if y == 2024}
    top = sorted(year, key=lambda b: (-year[b][0], b))[:10]
    assert [r[0] for r in rows] == top
    for buyer_id, _name, period, total, eligible, pct in rows:
        want_total, want_eligible = year[buyer_id]
        assert (period, rupiah(total), rupiah(eligible)) == ("2024", want_total, want_eligible)
        assert pct == share(want_total, want_eligible)


def test_audit_passes_after_the_demo_and_the_report_matches_every_buyer(demo, oracle):
    out, env, data_dir = demo
    assert "AUDIT OK" in out
    env = dict(env, KUOTA_DATABASE_URL=f"sqlite:///{data_dir / 'demo' / 'kuota.db'}")
    audit = subprocess.run([sys.executable, "-m", "streams", "audit"], env=env, capture_output=True, text=True)
    assert audit.returncode == 0 and "AUDIT OK" in audit.stdout, audit.stdout
    import json

    report = subprocess.run([sys.executable, "-m", "streams", "report", "--period", "month", "--format", "json"],
                            env=env, capture_output=True, text=True, check=True)
    got = {(r["buyer_id"], r["period"]): (r["total"], r["eligible"]) for r in json.loads(report.stdout)}
    want = {k: v for k, v in oracle.monthly.items() if v != (0, 0) or k in got}
    assert got == want
    assert Counter(k[0] for k in got)  # every buyer present
