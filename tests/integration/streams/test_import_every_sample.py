"""Every real LKPP, SIRUP and OCDS sample, as a new user would import it: each record is
accounted for (imported, a duplicate within the file, a directory row, or not imported with a
reason), counted against the file's own length read here without kuota."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SAMPLES = sorted((Path(__file__).parents[2] / "fixtures" / "realdata").glob("*.json"))


def records_in(path: Path) -> int:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(doc, list):
        return len(doc)
    return len(doc.get("releases") or doc.get("records") or [])


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_record_of_a_real_sample_is_accounted_for(sample, tmp_path):
    run = subprocess.run([sys.executable, "-m", "streams", "import", str(sample), "--dry-run", "--format-out", "json"],
                         env={"KUOTA_DATA_DIR": str(tmp_path), "PATH": ""}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    [summary] = json.loads(run.stdout)["files"]
    not_imported = sum(reason["count"] for reason in summary["not_imported"].values())
    no_event = summary.get("directory", 0) + summary.get("no_event", 0)  # rows that only fill the directory
    assert summary["records"] == records_in(sample)
    assert summary["imported"] + summary["duplicates"]["count"] + no_event + not_imported == summary["records"], \
        summary
    assert summary["accounted"] is True
