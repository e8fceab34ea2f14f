"""`kuota bench-latency` end to end on a short run: every alert the plan expects arrives, each one
matched to the purchase that caused it, and nothing about the benchmark's companies is unplanned."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.timeout(600)
def test_every_expected_alert_arrives_and_is_matched_to_its_purchase(tmp_path):
    out = tmp_path / "latency.json"
    run = subprocess.run([sys.executable, "-m", "streams", "bench-latency", "--rate", "500", "--seconds", "8",
                          "--companies", "20", "--spacing", "4", "--json", str(out)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=540)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(out.read_text())
    # Each company changes twice in 8 s (met at its start, breach 4 s later).
    assert (result["expected"], result["received"], result["missing"], result["unexpected"]) == (40, 40, 0, 0)
    assert result["events"] == 4000 and result["sent_per_s"] > 0
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert all(step is not None for step in result["stages_ms"].values())
    assert "produce -> alert" in run.stdout
