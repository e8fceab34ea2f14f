"""A new user's first look at an empty ledger: every report says what to do next."""

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from ledger.books.intake import Record
from ledger.books.recorder import Recorder
from ledger.db import make_engine, migrate
from streams.settings import Settings
from streams.web.app import create_api
from tests.credentials import signed_in
from tests.factories import purchase, wire

pytestmark = pytest.mark.integration


@pytest.fixture
def empty_ledger(tmp_path):
    url = f"sqlite:///{tmp_path / 'kuota.db'}"
    migrate(url)
    return url, {"KUOTA_DATABASE_URL": url, "KUOTA_DATA_DIR": str(tmp_path), "PATH": ""}


@pytest.mark.parametrize("command", [["report", "overview"], ["compliance"], ["alerts"], ["report"],
                                     ["report", "suppliers"], ["report", "trend"]])
def test_a_report_over_an_empty_ledger_says_what_to_do_next(empty_ledger, command):
    _, env = empty_ledger
    run = subprocess.run([sys.executable, "-m", "streams", *command], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines() == [
        "Buku besar masih kosong: jalankan `kuota up`, kirim pembelian dengan `kuota emit FILE`, atau coba "
        "`make demo`."]


def test_the_dashboard_of_an_empty_ledger_says_how_to_begin(empty_ledger, tmp_path):
    url, _ = empty_ledger
    with TestClient(create_api(Settings(database_url=url, data_dir=tmp_path))) as client:
        page = signed_in(client, url, "admin").get("/", params={"lang": "en"}).text
    assert "No program in force yet" in page and "kuota targets apply FILE" in page and "make demo" in page


def test_a_filter_that_matches_nothing_says_so_rather_than_blaming_the_ledger(empty_ledger):
    url, env = empty_ledger
    engine = make_engine(url, writer=True)
    Recorder(engine, epoch="first-run").book_purchases([Record("kuota.purchases.v1", 0, 0, wire(purchase()))])
    engine.dispose()
    run = subprocess.run([sys.executable, "-m", "streams", "report", "overview", "--program", "tidak-ada",
                          "--lang", "en"], env=env, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "No row matches these filters."
