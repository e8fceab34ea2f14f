"""The demo, run once per session and shared by every test that reads its ledger, and the
officers' API served on a free loopback port."""

import os
import subprocess
import sys

import pytest

from streams.tools.procs import serving  # noqa: F401 (the e2e and API tests serve the app with it)

_runs: dict[str, tuple] = {}


def demo_run(tmp_path_factory) -> tuple[str, dict, object]:
    """`kuota demo` as a user runs it, once per session: (printed output, its environment, its
    data directory). The ledger it leaves is `data_dir / "demo" / "kuota.db"`."""
    if "demo" not in _runs:
        data_dir = tmp_path_factory.mktemp("demo")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUOTA_")}
        env.update(KUOTA_DATA_DIR=str(data_dir))
        run = subprocess.run([sys.executable, "-m", "streams", "demo", "--year", "2024"], env=env, capture_output=True, text=True,
                             timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
        _runs["demo"] = (run.stdout, env, data_dir)
    return _runs["demo"]


def demo_ledger_url(demo) -> str:
    return f"sqlite:///{demo[2] / 'demo' / 'kuota.db'}"


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    return demo_run(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_ledger(demo) -> str:
    """SQLAlchemy URL of the ledger the demo filled."""
    return demo_ledger_url(demo)
