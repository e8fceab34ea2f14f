"""`kuota emit` journals before it sends: "sent" means kept and acknowledged, a record already
journaled is not sent again, and `kuota audit` accounts for every journaled event."""

import pytest

from ledger.books.journal import journal_counts
from ledger.db import session_for
from tests.conftest import running_worker, wait_until
from tests.integration.helpers import kuota, purchase, registration, sqlite_ledger, write_jsonl

pytestmark = pytest.mark.integration


def counts(url: str):
    with session_for(url, migrate_first=False) as s:
        return journal_counts(s)


@pytest.fixture
def env(kuota_env, tmp_path):
    return kuota_env(sqlite_ledger(tmp_path))


def test_emit_journals_valid_lines_and_does_not_send_them_twice(env, tmp_path):
    url = env["KUOTA_DATABASE_URL"]
    events = tmp_path / "events.jsonl"
    write_jsonl(events, [purchase("jrn-00000001"), purchase("jrn-00000002", 2_000_000)])
    with events.open("a") as f:
        f.write('{"type": "purchase.recorded"}\n')

    first = kuota(env, "emit", str(events), check=False)
    assert "2 sent, 1 invalid, 0 failed, 0 duplicate" in first.stdout, first.stdout
    assert (counts(url).journaled, counts(url).in_flight) == (2, 2)

    again = kuota(env, "emit", str(events), check=False)
    assert "0 sent, 1 invalid, 0 failed, 2 duplicate" in again.stdout, again.stdout
    assert counts(url).journaled == 2

    other = tmp_path / "other.jsonl"
    write_jsonl(other, [purchase("jrn-00000001", 9_000_000)])
    conflict = kuota(env, "emit", str(other), check=False)
    assert conflict.returncode == 1 and "conflicting_duplicate" in conflict.stdout, conflict.stdout


def test_audit_counts_journaled_events_in_flight_without_failing_and_booked_once_a_worker_ran(env, tmp_path):
    url = env["KUOTA_DATABASE_URL"]
    registry, events = tmp_path / "registry.jsonl", tmp_path / "events.jsonl"
    write_jsonl(registry, [registration("jrn-reg-0001", "3216000000001")])
    write_jsonl(events, [purchase(f"jrn-0000001{n}", 1_000_000 * n) for n in range(1, 4)])
    kuota(env, "emit", str(registry))
    kuota(env, "emit", str(events))

    waiting = kuota(env, "audit")
    assert "4 diterima / accepted = 0 dibukukan / booked + 0 ditolak / rejected + 4 dalam perjalanan / in flight" \
        in waiting.stdout, waiting.stdout
    assert "AUDIT OK" in waiting.stdout

    with running_worker(env, tmp_path / "worker.log"):
        wait_until(lambda: counts(url).in_flight == 0, timeout=90, what="the journal booked")
    done = kuota(env, "audit")
    assert "4 diterima / accepted = 4 dibukukan / booked + 0 ditolak / rejected + 0 dalam perjalanan" in done.stdout
    assert "AUDIT OK" in done.stdout and "entries 3" in done.stdout
