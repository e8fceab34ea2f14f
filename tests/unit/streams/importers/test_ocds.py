"""OCDS release and record packages: every release accounted for, in rupiah only, one purchase
per award that a later release corrects. Expected figures come from the test's own reading of
the files (plain `json`), never from kuota."""

import io
import json
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from schemas.decode import Invalid, decode
from streams.importers.base import Context, NotImported
from streams.importers.formats import FORMATS
from streams.importers.ocds import FORMAT as OCDS

REALDATA = Path(__file__).parents[3] / "fixtures" / "realdata"
RELEASES = REALDATA / "ocds-contractsfinder-2025-releases.json"
RECORDS = REALDATA / "ocds-compranet-2016-records.json"


def imported(raw: bytes, region: str | None = "6100") -> tuple[int, list[dict], Counter, list[NotImported]]:
    records, events, reasons, refused = 0, [], Counter(), []
    for record in OCDS.records(io.BytesIO(raw)):
        records += 1
        outcome = OCDS.map(record, Context(region=region))
        if isinstance(outcome, NotImported):
            reasons[outcome.reason] += 1
            refused.append(outcome)
        else:
            events += outcome
    return records, events, reasons, refused


def expected_reasons(package: dict) -> Counter:
    """The file's own verdict: a release without awards is no purchase; an award not in IDR is refused."""
    releases = package.get("releases") or [r["compiledRelease"] for r in package["records"]]
    verdicts = Counter()
    for release in releases:
        awards = release.get("awards") or []
        if not awards:
            verdicts["no_award"] += 1
        elif any(a["value"].get("currency") != "IDR" for a in awards):
            verdicts["currency_not_idr"] += 1
    return verdicts


def rupiah(amount) -> int:
    return int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("region", ["6100", None])
def test_contracts_finder_package_ends_with_no_events_and_every_release_accounted_for(region):
    raw = RELEASES.read_bytes()
    package = json.loads(raw)
    records, events, reasons, _ = imported(raw, region)
    assert records == len(package["releases"]) == 100
    assert events == []
    assert reasons == expected_reasons(package) == Counter(no_award=41, currency_not_idr=59)


def test_compranet_record_package_reads_the_compiled_release_and_refuses_pesos():
    raw = RECORDS.read_bytes()
    package = json.loads(raw)
    assert [r["tag"] for r in OCDS.records(io.BytesIO(raw))] == [["compiled"]]
    records, events, reasons, refused = imported(raw)
    assert records == len(package["records"]) == 1
    assert events == []
    assert reasons == expected_reasons(package) == Counter(currency_not_idr=1)
    assert "MXN 189654" in refused[0].detail and "1322806" in refused[0].detail


def in_rupiah(raw: bytes) -> bytes:
    return raw.replace(b'"currency": "GBP"', b'"currency": "IDR"')


def test_the_same_releases_in_rupiah_become_one_purchase_per_award_at_its_latest_release():
    raw = in_rupiah(RELEASES.read_bytes())
    package = json.loads(raw)
    latest, zero, shared = {}, 0, 0
    for release in package["releases"]:
        for award in release.get("awards") or []:
            if Decimal(str(award["value"]["amount"])) == 0:
                zero += 1
            elif len(award["suppliers"]) > 1:
                shared += 1
            else:
                key = (release["ocid"], award["id"])
                if key not in latest or release["date"] > latest[key][0]:
                    latest[key] = (release["date"], rupiah(award["value"]["amount"]))
    records, events, reasons, _ = imported(raw)
    assert reasons == Counter(no_award=41, zero_amount=zero, shared_award_value=shared) == \
        Counter(no_award=41, zero_amount=2, shared_award_value=2)
    assert records - sum(reasons.values()) == len(events) == 55
    in_force = {}
    for event in events:
        source = event["source"]
        if source["key"] not in in_force or source["version"] > in_force[source["key"]]["source"]["version"]:
            in_force[source["key"]] = event
    assert len(in_force) == len(latest) == 53  # two awards repeated by an awardUpdate correct, never add
    assert sum(e["amount"] for e in in_force.values()) == sum(amount for _, amount in latest.values())
    assert all(not isinstance(decode("purchases", json.dumps(e).encode()), Invalid) for e in events)
    assert {e["type"] for e in events} == {"purchase.recorded"}  # a declared scale never registers a supplier


def test_an_award_update_is_a_later_version_of_the_same_purchase():
    raw = in_rupiah(RELEASES.read_bytes())
    _, events, _, _ = imported(raw)
    ocid = "ocds-b5fd17-56c3a2a3-e39f-494a-9c11-2eb477826ef3"
    versions = [e for e in events if e["reference"].startswith(ocid)]
    assert len(versions) == 2 and len({e["event_id"] for e in versions}) == 2
    assert len({e["source"]["key"] for e in versions}) == 1 and len(versions[0]["source"]["key"]) <= 64
    dates = {tuple(r["tag"]): r["date"] for r in json.loads(raw)["releases"] if r["ocid"] == ocid}
    seconds = {tag: int(datetime.fromisoformat(day).timestamp()) for tag, day in dates.items()}
    assert seconds[("awardUpdate",)] > seconds[("award",)]  # the update came later, though listed first
    assert sorted(e["source"]["version"] for e in versions) == [seconds[("award",)], seconds[("awardUpdate",)]]
    assert {e["amount"] for e in versions} == {34737}


def test_without_a_region_a_rupiah_award_waits_for_one():
    raw = in_rupiah(RELEASES.read_bytes())
    _, events, reasons, refused = imported(raw, region=None)
    assert events == [] and reasons["no_region"] == 55
    assert "--region" in next(r.detail for r in refused if r.reason == "no_region")


def release(**changes) -> dict:
    base = {
        "ocid": "ocds-abc123-0001", "id": "r1", "date": "2024-03-05T10:00:00+07:00", "tag": ["award", "contract"],
        "buyer": {"id": "ID-LKPP-D197-4.01", "name": "Sekretariat Daerah"},
        "tender": {"procurementMethod": "direct"},
        "parties": [{"id": "S1", "name": "CV Maju", "roles": ["supplier"],
                     "identifier": {"scheme": "ID-NPWP", "id": "60.324.323.9-707.000"},
                     "details": {"scale": "micro"}}],
        "awards": [{"id": "a1", "status": "active", "date": "2024-03-01",
                    "suppliers": [{"id": "S1", "name": "CV Maju"}],
                    "value": {"amount": Decimal("1250000.5"), "currency": "IDR"}}],  # as the streaming parse gives
    }
    return {**base, **changes}


def test_a_rupiah_award_becomes_a_purchase_the_contract_can_decode():
    [event] = OCDS.map(release(), Context(region="6100"))
    assert event["amount"] == 1250001  # sen rounded half up
    assert event["supplier_id"] == "npwp:0603243239707000"
    assert event["buyer"] == {"id": "ID-LKPP-D197-4.01", "kind": "agency", "name": "Sekretariat Daerah",
                              "region": "6100"}
    assert event["occurred_at"] == "2024-03-01T12:00:00+07:00"  # a date alone: noon in the buyer's region
    assert event["channel"] == "pengadaan_langsung" and event["state"] == "completed"
    assert event["source"] == {"system": "ocds", "key": "ocds-abc123-0001/a1", "version": 1709607600}
    assert not isinstance(decode("purchases", json.dumps(event).encode()), Invalid)


def test_signed_contracts_are_the_spend_of_their_award():
    contracts = [{"id": 7, "awardID": "a1", "status": "active", "dateSigned": "2024-03-04T09:00:00+07:00",
                  "value": {"amount": 900000, "currency": "IDR"}},
                 {"id": 8, "awardID": "a1", "status": "cancelled", "value": {"amount": 5000000, "currency": "IDR"}}]
    [event] = OCDS.map(release(contracts=contracts), Context(region="6100"))
    assert (event["amount"], event["occurred_at"], event["state"]) == (900000, "2024-03-04T09:00:00+07:00",
                                                                      "completed")
    pending = [{**contracts[0], "status": "pending"}]
    assert OCDS.map(release(contracts=pending), Context(region="6100"))[0]["state"] == "pending"
    cancelled = [{**c, "status": "cancelled"} for c in contracts]
    assert OCDS.map(release(contracts=cancelled), Context(region="6100"))[0]["state"] == "void"


@pytest.mark.parametrize("award, reason", [
    ({"value": {"amount": 0, "currency": "IDR"}}, "zero_amount"),
    ({"value": {"amount": 10, "currency": "USD"}}, "currency_not_idr"),
    ({"value": {"amount": 10}}, "currency_not_idr"),
    ({"value": None}, "missing_field"),
    ({"suppliers": []}, "no_supplier"),
    ({"suppliers": [{"id": "S1"}, {"id": "S2", "name": "PT Dua"}]}, "shared_award_value"),
    ({"status": "cancelled"}, None),
])
def test_each_award_that_cannot_be_counted_is_refused_with_its_reason(award, reason):
    base = release()["awards"][0]
    outcome = OCDS.map(release(awards=[{**base, **award}]), Context(region="6100"))
    if reason is None:
        assert outcome[0]["state"] == "void"
    else:
        assert isinstance(outcome, NotImported) and outcome.reason == reason


def test_a_release_whose_awards_disagree_is_refused_whole_naming_each_award():
    good = release()["awards"][0]
    outcome = OCDS.map(release(awards=[good, {**good, "id": "a2", "value": {"amount": 0, "currency": "IDR"}}]),
                       Context(region="6100"))
    assert outcome.reason == "zero_amount"
    assert "a1: dapat diimpor" in outcome.detail and "a2: zero_amount" in outcome.detail


def test_tenders_and_records_without_a_compiled_release_are_not_purchases():
    assert OCDS.map(release(awards=[], tag=["tender"]), Context(region="6100")).reason == "no_award"
    record = {"ocid": "ocds-abc123-0001", "releases": [{"url": "https://example.org/r1.json"}]}
    assert OCDS.map(record, Context(region="6100")).reason == "no_compiled_release"
    assert OCDS.map(release(buyer=None), Context(region="6100")).reason == "no_buyer"


def test_detection_takes_either_package_and_nothing_else():
    package = json.loads(RELEASES.read_bytes())
    first_release = package["releases"][0]
    head = {k: v for k, v in package.items() if k != "releases"} | {"releases": []}
    assert OCDS.detects(first_release) and OCDS.detects(head)
    assert OCDS.detects(json.loads(RECORDS.read_bytes())["records"][0])
    assert not OCDS.detects({"kd_nontender": 1, "no_kontrak": "x"})
    assert [f.name for f in FORMATS if f.detects(first_release)] == ["ocds"]


def test_a_release_package_streams_when_its_releases_come_before_the_metadata():
    body = json.dumps({"releases": [release(), release(id="r2")], "publisher": {"name": "LKPP"}}, default=str).encode()
    assert [r["id"] for r in OCDS.records(io.BytesIO(body))] == ["r1", "r2"]
    assert list(OCDS.records(io.BytesIO(b'{"publisher": {}}'))) == []
    assert list(OCDS.records(io.BytesIO(b'[{"ocid": "ocds-1", "tag": ["award"]}]'))) == []  # not a package
