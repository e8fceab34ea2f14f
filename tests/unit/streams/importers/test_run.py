"""`kuota import --dry-run` on files: every record accounted for, duplicates and conflicting
copies told apart, the records not imported written down, an unusable file refused in one line."""

import io
import json
from decimal import Decimal

import pytest
from rich.console import Console

from streams.importers.detect import ImportFileError
from streams.importers.run import import_files, run_import
from streams.settings import Settings
from tests.unit.streams.importers.lkpp_records import FAILED, NONTENDER, ORDER_FIRST, SATKER


def dumps(records) -> str:
    return json.dumps(records, default=lambda d: float(d) if isinstance(d, Decimal) else str(d))


def write(path, records):
    path.write_text(dumps(records))
    return path


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", _env_file=None)


def test_exact_copies_are_duplicates_and_a_changed_copy_is_a_conflicting_one(tmp_path, settings):
    other = NONTENDER | {"kd_nontender": 1}
    changed = NONTENDER | {"nilai_kontrak": 1_000}  # same contract, same addendum, another amount
    path = write(tmp_path / "spse.json", [NONTENDER, other, NONTENDER, changed, {"kd_nontender": 2, "no_kontrak": "x"}])
    [s] = import_files(settings, [path], dry_run=True)
    assert (s.format, s.records, s.imported) == ("spse-kontrak", 5, 2)
    assert (s.duplicates.count, s.duplicates.positions) == (1, [3])
    assert {r: t.positions for r, t in s.not_imported.items()} == {"conflicting_copy": [4], "missing_field": [5]}
    assert s.accounted and s.events == {"purchase.recorded": 2}
    lines = [json.loads(line) for line in open(s.not_imported_file)]
    assert [(x["position"], x["reason"]) for x in lines] == [(4, "conflicting_copy"), (5, "missing_field")]
    assert lines[0]["record"]["nilai_kontrak"] == 1_000 and "record 1" in lines[0]["detail"]


def test_an_event_the_worker_would_reject_is_not_imported_with_the_validation_errors(tmp_path, settings):
    huge = NONTENDER | {"nilai_kontrak": 10**14}  # over the contract's cap on one purchase
    [s] = import_files(settings, [write(tmp_path / "spse.json", [huge])], dry_run=True)
    assert list(s.not_imported) == ["invalid_event"] and s.imported == 0
    assert "amount" in json.loads(open(s.not_imported_file).readline())["detail"]


def test_the_satker_master_is_read_first_and_joins_toko_daring_buyers_in_the_same_command(tmp_path, settings):
    daring = write(tmp_path / "daring.json", [ORDER_FIRST | {"kd_klpd": "D197", "kd_satker": "64173"}, FAILED])
    master = write(tmp_path / "master.json", [SATKER])
    first, second = import_files(settings, [daring, master], dry_run=True)
    assert (first.format, first.imported, dict(first.events)) == ("rup-master-satker", 1, {"buyer.described": 1})
    assert dict(second.not_joined) == {"D199-satker-173405": 1}  # the other one the directory describes
    assert first.accounted and second.accounted
    assert not (settings.data_dir / "imports" / "satker.json").exists()  # a dry run keeps nothing


@pytest.mark.parametrize("content, says", [
    (b"", "is empty"),
    (b"\x00\x01PK\x03\x04binary", "looks binary"),
    (b"kd_satker;nama\n1;x", "not JSON"),
    (b"[]", "no records"),
    (b'[{"apa": 1}]', "no known format"),
])
def test_an_unusable_file_is_refused_in_one_line_before_anything_is_sent(tmp_path, settings, content, says):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=says):
        import_files(settings, [path], dry_run=True)


def test_a_file_that_breaks_off_keeps_the_records_before_and_says_where(tmp_path, settings):
    whole = dumps([NONTENDER | {"nilai_kontrak": 5}, NONTENDER | {"kd_nontender": 7, "nilai_kontrak": 5}])
    path = tmp_path / "cut.json"
    path.write_text(whole[: whole.index('"kd_nontender": 7') + 30])
    [s] = import_files(settings, [path], dry_run=True)
    assert s.imported == 1 and not s.accounted and "after record 1" in s.unreadable


def test_an_unknown_format_name_lists_the_known_ones(tmp_path, settings):
    with pytest.raises(ImportFileError, match="spse-kontrak"):
        import_files(settings, [write(tmp_path / "a.json", [NONTENDER])], forced="sipd", dry_run=True)


def test_the_json_summary_accounts_for_every_record_of_every_file(tmp_path, settings):
    out = io.StringIO()
    spse = write(tmp_path / "spse.json", [NONTENDER, NONTENDER, NONTENDER | {"kd_klpd": "D999"}])
    status = run_import(settings, Console(file=out), [spse], dry_run=True, format_out="json")
    [doc] = json.loads(out.getvalue())["files"]
    assert status == 0 and doc["accounted"]
    assert (doc["records"], doc["imported"], doc["duplicates"]) == (3, 1, {"count": 1, "positions": [2]})
    [detail] = doc["not_imported"]["unknown_klpd"].pop("details")  # what to fix, for each position shown
    assert doc["not_imported"] == {"unknown_klpd": {"count": 1, "positions": [3]}} and "D999" in detail
    assert doc["events"] == {"purchase.recorded": 1} and doc["purchases_by_state"] == {"completed": 1}
    assert doc["awaiting_registration"] == {"amount": 199_439_382, "purchases": 1, "suppliers": 1}
