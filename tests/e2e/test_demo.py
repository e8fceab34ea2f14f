"""`kuota demo` as a user runs it; its printed figures against sums computed independently."""

import json
import re
import tomllib
from pathlib import Path
import subprocess
import sys
from collections import Counter

import pytest

from streams.tools.demo_data import generate
from tests.e2e.oracle import expected, program_spend

pytestmark = pytest.mark.e2e

SEED, PURCHASES, SUPPLIERS = 2024, 40_000, 3_000  # the defaults of `kuota demo`


def target_events() -> int:
    """Programs and budgets in the example files the demo applies: one event each."""
    docs = [tomllib.loads(p.read_text()) for p in (Path(__file__).parents[2] / "examples" / "programs").glob("*.toml")]
    return sum(len(d.get("program", [])) + len(d.get("budget", [])) for d in docs)


def rupiah(text: str) -> int:
    assert text.startswith("Rp "), text
    return int(text[3:].replace(".", ""))


def share(total: int, eligible: int) -> str:
    bp = (eligible * 10_000 * 2 + total) // (total * 2)
    return f"{bp // 100},{bp % 100:02d}%"


@pytest.fixture(scope="module")
def oracle():
    return expected(generate(SEED, purchases=PURCHASES, suppliers=SUPPLIERS))


def test_demo_counts_equal_the_independent_oracle(demo, oracle):
    out, _, _ = demo
    printed = {m[1]: int(m[2]) for m in re.finditer(r"^\s*(applied|duplicate|rejected): (\d+)$", out, re.M)}
    reasons = {m[1]: int(m[2]) for m in re.finditer(r"^\s*rejected (\w+): (\d+)$", out, re.M)}
    want = oracle.outcomes
    rejected = {k: v for k, v in want.items() if k not in ("applied", "duplicate")}
    assert printed["applied"] == want["applied"] + target_events()
    assert printed["duplicate"] == want["duplicate"]
    assert printed["rejected"] == sum(rejected.values())
    assert reasons == rejected
    assert re.search(r"^diterima / received: (\d+)$", out, re.M)[1] == str(sum(want.values()) + target_events())


def test_demo_top_buyers_equal_independent_sums(demo, oracle):
    out, _, _ = demo
    top = out[out.index("top buyers"):]
    top = top[:top.index("└")]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in top.splitlines() if line.startswith("│")]
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


def compliance_json(env, data_dir, program: str) -> list[dict]:
    env = dict(env, KUOTA_DATABASE_URL=f"sqlite:///{data_dir / 'demo' / 'kuota.db'}")
    run = subprocess.run([sys.executable, "-m", "streams", "compliance", "--program", program, "--format", "json"],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def table_after(out: str, title: str) -> list[list[str]]:
    part = out[out.index(title):]
    part = part[:part.index("└")]
    return [[c.strip() for c in line.split("│")[1:-1]] for line in part.splitlines() if line.startswith("│")]


def test_bebeli_region_total_and_each_agency_equal_independent_sums(demo, oracle):
    out, env, data_dir = demo
    agencies = program_spend(oracle, year=2024, kind="agency", region="3216",
                             scales={"mikro", "kecil", "menengah"}, local=True)
    [line] = compliance_json(env, data_dir, "bebeli-3216-2024")
    assert (line["buyer_id"], line["period"]) == ("*", "2024")
    assert line["actual"] == sum(eligible for eligible, _ in agencies.values())
    assert line["required"] == 100_000_000_000
    assert line["shortfall"] == max(0, 100_000_000_000 - line["actual"])
    printed = {r[0]: rupiah(r[2]) for r in table_after(out, "bebeli-3216-2024: rincian per OPD")}
    assert printed == {b: eligible for b, (eligible, _) in agencies.items()}


def test_the_40_percent_report_shows_each_agency_against_its_declared_budget(demo, oracle):
    _, env, data_dir = demo
    budgets_file = Path(__file__).parents[2] / "examples" / "programs" / "budgets-3216-2024.toml"
    budgets = {b["agency_id"]: b["budget"] for b in tomllib.loads(budgets_file.read_text())["budget"]}
    realised = program_spend(oracle, year=2024, kind="agency", region="3216", scales={"mikro", "kecil"},
                             local=False, excluded_channels={"other"})
    lines = {x["buyer_id"]: x for x in compliance_json(env, data_dir, "pp7-40-3216")}
    assert set(lines) == set(budgets)
    for agency, budget in budgets.items():
        eligible = realised.get(agency, (0, 0))[0]
        x = lines[agency]
        assert (x["actual"], x["base"], x["required"]) == (eligible, budget, -(-4000 * budget // 10_000))
        assert x["share_bp"] == eligible * 10_000 // budget
        assert x["status"] == ("breach" if eligible * 10_000 < 4000 * budget else x["status"])
        assert x["status"] in ("met", "recovered", "breach")


def test_the_demo_shows_status_and_grade_per_program_and_the_alerts_raised(demo):
    out, env, data_dir = demo
    for program in ("alokasi-30-3216", "bebeli-3216-2024", "pp7-40-3216"):
        assert re.search(rf"^{program} — ", out, re.M), program
    assert len(re.findall(r"^  status: .+ \| nilai / grade: ", out, re.M)) == 3
    raised = {(m[1], m[2]): int(m[3]) for m in re.finditer(r"^  alert (\S+) (\w+): (\d+)$", out, re.M)}
    env = dict(env, KUOTA_DATABASE_URL=f"sqlite:///{data_dir / 'demo' / 'kuota.db'}")
    listed = json.loads(subprocess.run([sys.executable, "-m", "streams", "alerts", "--format", "json"], env=env,
                                       capture_output=True, text=True, check=True).stdout)
    counted = Counter((a["program"], a["status"]) for a in listed)
    assert raised == dict(counted)
    assert re.search(r"^peringatan / alerts raised: (\d+)$", out, re.M)[1] == str(len(listed))
    assert counted[("alokasi-30-3216", "breach")] > 0  # the demo has companies below 30 percent
