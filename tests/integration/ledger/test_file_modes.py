"""The SQLite ledger holds password hashes and key digests: a fresh data directory is its owner's
alone (0700), and the ledger, its -wal and -shm files and the writers' lock file are 0600 from the
moment they exist, whatever the umask lets other files be."""

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from ledger.db import make_engine, migrate
from streams.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def usual_umask():
    before = os.umask(0o022)  # most systems' default: new files 0644, new folders 0755
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_data_directory_and_ledger_are_readable_by_their_owner_only(tmp_path, usual_umask):
    settings = Settings(data_dir=tmp_path / "kuota-data", database_url="")
    migrate(settings.ledger_url)
    engine = make_engine(settings.ledger_url, writer=True)
    try:
        with engine.connect() as conn:  # while a connection is open, SQLite keeps its -wal and -shm
            conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
            conn.commit()
            files = sorted(settings.data_dir.iterdir())
            assert {f.name for f in files} >= {"kuota.db", "kuota.db-wal", "kuota.db-shm", "kuota.db.writer-lock"}
            assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        engine.dispose()
    assert mode(settings.data_dir) == 0o700


def test_a_ledger_file_that_already_exists_keeps_the_mode_its_operator_gave_it(tmp_path, usual_umask):
    ledger = tmp_path / "kuota.db"
    ledger.touch(mode=0o640)
    migrate(f"sqlite:///{ledger}")
    assert mode(ledger) == 0o640
