"""Data ganda through the real broker and worker: an officer merges a supplier registered twice,
its purchases count for the one kept, and an unmerge puts every figure back as it was."""

import json

import pytest
import yaml

from tests import factories
from tests.conftest import running_worker, wait_until
from tests.factories import DROP
from tests.integration.helpers import kuota, registration, write_jsonl

pytestmark = pytest.mark.integration

COMPANY = "co-3216-mall"
KEEP, OTHER, BIG = "3216000000001", "3216000000007", "3216000000002"  # OTHER: KEEP's warung registered as besar
PROGRAM = factories.document(factories.program(status=DROP))  # 30% of each company in 3216, per quarter


def company(event_id: str, amount: int, supplier: str) -> dict:
    doc = factories.purchase(event_id, amount, buyer=COMPANY, supplier=supplier)
    doc["buyer"] = {"id": COMPANY, "kind": "company", "name": "Mal Cikarang", "region": "3216"}
    return doc | {"occurred_at": "2024-02-05T10:00:00+07:00", "channel": "kemitraan"}


def figures(env: dict) -> list[tuple]:
    rows = json.loads(kuota(env, "compliance", "--format", "json").stdout)
    return [(r["program_id"], r["buyer_id"], r["period"], r["actual"], r["required"], r["shortfall"], r["total"],
             r["share_bp"]) for r in rows]


def received(env: dict) -> dict[str, int]:
    rows = json.loads(kuota(env, "report", "suppliers", "--format", "json").stdout)
    return {r["supplier_id"]: r["received"] for r in rows}


def audit_clean(env: dict) -> None:
    result = kuota(env, "audit", check=False)
    assert result.returncode == 0 and "AUDIT OK" in result.stdout, result.stdout


def test_a_merge_counts_the_other_ids_purchases_for_the_one_kept_and_an_unmerge_undoes_it(ledger_url, kuota_env,
                                                                                        tmp_path):
    env = kuota_env(ledger_url, KUOTA_EVALUATE_EVERY="0.5")
    program = tmp_path / "alokasi.yaml"
    program.write_text(yaml.safe_dump(PROGRAM))
    events = tmp_path / "events.jsonl"
    write_jsonl(events, [registration("reg-00000001", KEEP, "mikro"), registration("reg-00000002", OTHER, "besar"),
                         registration("reg-00000003", BIG, "besar"),
                         company("buy-00000001", 2_000_000, KEEP), company("buy-00000002", 3_000_000, OTHER),
                         company("buy-00000003", 5_000_000, BIG)])
    kuota(env, "targets", "apply", str(program))
    kuota(env, "emit", str(events))
    line = ("alokasi-30-3216", COMPANY, "2024-Q1")
    with running_worker(env, tmp_path / "worker.log"):
        wait_until(lambda: [f[3:] for f in figures(env) if f[:3] == line] == [(2_000_000, 3_000_000, 1_000_000,
                                                                               10_000_000, 2000)],
                   timeout=120, what="the purchases booked")
        before, paid_before = figures(env), received(env)
        assert paid_before == {KEEP: 2_000_000, OTHER: 3_000_000, BIG: 5_000_000}
        audit_clean(env)

        sent = kuota(env, "registry", "merge", KEEP, OTHER, "--reason", "NPWP sama: satu warung terdaftar dua kali")
        assert "supplier.merged" in sent.stdout and f"merge:{KEEP}:{OTHER}" in sent.stdout
        wait_until(lambda: [f[3:] for f in figures(env) if f[:3] == line] == [(5_000_000, 3_000_000, 0, 10_000_000,
                                                                               5000)],
                   timeout=120, what="OTHER's purchases counted as KEEP's")
        assert received(env) == {KEEP: 5_000_000, BIG: 5_000_000}  # one supplier with both ids' spend
        audit_clean(env)

        kuota(env, "registry", "unmerge", KEEP, OTHER, "--reason", "salah periksa: dua usaha berbeda")
        wait_until(lambda: figures(env) == before, timeout=120, what="every figure back as before the merge")
        assert received(env) == paid_before
        audit_clean(env)
