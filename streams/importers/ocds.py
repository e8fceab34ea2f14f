"""OCDS 1.1/1.2 release packages and record packages (Open Contracting Data Standard).

Records are the package's releases (`releases[]`), or each record's `compiledRelease`
(`records[]`; a record without one is not imported, `no_compiled_release`: import the
publisher's release package instead). One release, one outcome: every award of it becomes a
`purchase.recorded`, or the release is not imported with the first reason met, in this order:

- `no_award`: no awards (planning, tender, tenderAmendment): not a purchase;
- per award, in order: `missing_field` (no value), `currency_not_idr` (kuota counts rupiah
  and never converts), `invalid_amount`, `zero_amount` (a value of 0 is no spend),
  `no_supplier`, `shared_award_value` (several suppliers share one value; OCDS gives no split,
  and dividing it would invent figures), `invalid_date`;
- `no_buyer`, then `no_region`: the buyer needs a BPS region and OCDS has none: `--region`.

Reasons nobody can fix come first, `--region` last. A release whose awards disagree (one
imports, one does not) is not imported whole; the detail names each award's outcome.

Awards are keyed by ocid + award id: `source=("ocds", "<ocid>/<award id>", <release date in
Unix seconds>)`, so an `awardUpdate` (or a later compiled release) corrects the purchase instead
of adding one; the release date orders releases because packages list them newest first. A
key over 64 characters keeps the ocid's first 40 and a digest. The event id is ocid + release id +
award id. Where the release has contracts for an award (`contracts[].awardID`), the signed
contracts are the spend: their value (cancelled ones left out unless all are), `dateSigned`,
and their status (`pending` -> pending; `active`, `terminated` -> completed; all `cancelled` ->
void); else the award's value, `date` and status (`pending` -> pending; `cancelled`,
`unsuccessful` -> void; `active` or none -> completed). The date falls back to the release
date. Channel from `tender.procurementMethod`: open, selective, limited -> tender; direct ->
pengadaan_langsung; otherwise other. Buyer: `buyer.id` as published, kind agency. Supplier:
`npwp:<digits>` when the party's identifier scheme is an NPWP, else `ocds:<party id>`.
`parties[].details.scale` is declared by the supplier and is not a PP 7/2021 class: it never
becomes a `supplier.registered`, so the suppliers stay unregistered until registered in kuota.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

import ijson

from schemas.codes import region_timezone
from schemas.events import MAX_AMOUNT
from streams.importers.base import Context, NotImported, event_id, whole_rupiah
from streams.importers.ids import npwp_id, short_key

_CHANNELS = {"open": "tender", "selective": "tender", "limited": "tender", "direct": "pengadaan_langsung"}
_AWARD_STATES = {"pending": "pending", "cancelled": "void", "unsuccessful": "void"}
_CONTRACT_STATES = {"pending": "pending", "active": "completed", "terminated": "completed"}


class Ocds:
    name = "ocds"
    title = "OCDS 1.1/1.2 release or record package / paket rilis atau rekaman OCDS"

    def detects(self, first: dict) -> bool:
        # Whatever the caller peeked: the package's head, one of its releases, or one record.
        if not isinstance(first, dict):
            return False
        if "releases" in first or "records" in first:
            return "ocid" in first or any(k in first for k in ("publisher", "version", "uri", "publishedDate"))
        return "ocid" in first and ("tag" in first or "compiledRelease" in first)

    def records(self, stream: BinaryIO) -> Iterator[dict]:
        events = ijson.parse(stream, use_float=False)
        for prefix, event, value in events:
            if prefix == "" and event == "start_array":
                return  # a package is an object; an array is some other format's, never read through
            if prefix == "" and event == "map_key" and value in ("releases", "records"):
                break
        else:
            return
        for item in ijson.items(events, f"{value}.item"):
            if value == "records" and isinstance(item, dict) and isinstance(item.get("compiledRelease"), dict):
                yield item["compiledRelease"]
            else:
                yield item

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        return release_events(record, ctx.region)


FORMAT = Ocds()


def release_events(release: dict, region: str | None) -> list[dict] | NotImported:
    """The purchases of one release, or the first reason it has none (see the module's order)."""
    if not isinstance(release, dict):
        return NotImported("missing_field", "rilis bukan objek JSON / the release is not a JSON object")
    if "compiledRelease" in release or ("releases" in release and "tag" not in release):
        return NotImported("no_compiled_release", f"rekaman {release.get('ocid')} tanpa compiledRelease; impor paket "
                           "rilisnya / record without a compiledRelease: import its release package instead")
    awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
    if not awards:
        tags = ", ".join(map(str, release.get("tag") or [])) or "-"
        return NotImported("no_award", f"rilis {tags} tanpa award (penetapan pemenang): bukan pembelian / "
                           "a release without awards is not a purchase")
    judged = [(award, _judge(award, release, region)) for award in awards]
    failed = [(award, outcome) for award, outcome in judged if isinstance(outcome, NotImported)]
    if failed:
        first = failed[0][1]
        if len(awards) == 1:
            return first
        said = "; ".join(f"award {a.get('id')}: " + (o.reason if isinstance(o, NotImported) else
                                                      "dapat diimpor / importable") for a, o in judged)
        return NotImported(first.reason, f"{first.detail} ({said})")
    buyer = release.get("buyer") if isinstance(release.get("buyer"), dict) else {}
    if not buyer.get("id"):
        return NotImported("no_buyer", "rilis tanpa buyer.id: pembeli tidak dikenal / the release names no buyer")
    if region is None:
        return NotImported("no_region", "OCDS tidak memuat kode wilayah BPS: beri --region KODE / "
                           "OCDS carries no BPS region code: give --region CODE")
    return [_purchase(release, award, facts, buyer, region) for award, facts in judged]


def _judge(award: dict, release: dict, region: str | None) -> dict | NotImported:
    """What one award contributes (amount, date, state, supplier) or why it cannot be imported."""
    contracts = _contracts_of(award, release)
    live = [c for c in contracts if c.get("status") != "cancelled"] or contracts
    values = [c.get("value") for c in live] if contracts else [award.get("value")]
    total = Decimal(0)
    for value in values:
        if not isinstance(value, dict) or value.get("amount") is None:
            return NotImported("missing_field", f"award {award.get('id')}: tanpa nilai (value.amount) / no value")
        if value.get("currency") != "IDR":
            currency = value.get("currency") or "tanpa mata uang / no currency"
            return NotImported("currency_not_idr", f"award {award.get('id')}: {currency} {value['amount']}, bukan "
                               "rupiah; kuota tidak mengonversi / not rupiah; kuota never converts")
        try:
            total += Decimal(str(value["amount"]))
        except (InvalidOperation, ValueError):
            return NotImported("invalid_amount", f"award {award.get('id')}: nilai {value['amount']!r} bukan angka / "
                               "the value is not a number")
    amount = whole_rupiah(total)
    if amount is None or amount < 0 or amount > MAX_AMOUNT:
        return NotImported("invalid_amount", f"award {award.get('id')}: nilai {total} di luar 1..{MAX_AMOUNT} / "
                           "the value is out of range")
    if amount == 0:
        return NotImported("zero_amount", f"award {award.get('id')}: nilai 0, bukan belanja / a value of 0 is no spend")
    suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
    if not suppliers:
        return NotImported("no_supplier", f"award {award.get('id')}: tanpa penyedia / names no supplier")
    if len(suppliers) > 1:
        names = ", ".join(str(s.get("name") or s.get("id")) for s in suppliers)
        return NotImported("shared_award_value", f"award {award.get('id')}: satu nilai {amount} untuk {len(suppliers)} "
                           f"penyedia ({names}); OCDS tidak membaginya / one value for {len(suppliers)} suppliers, "
                           "OCDS gives no split")
    signed = [c.get("dateSigned") for c in live if c.get("dateSigned")]
    when = _moment(min(signed) if signed else award.get("date") or release.get("date"), region)
    if when is None:
        return NotImported("invalid_date", f"award {award.get('id')}: tanggal tidak terbaca / no readable date")
    return {"amount": amount, "occurred_at": when, "state": _state(award, contracts),
            "supplier_id": _supplier_id(suppliers[0], release)}


def _purchase(release: dict, award: dict, facts: dict, buyer: dict, region: str) -> dict:
    ocid, award_id = str(release.get("ocid")), str(award.get("id"))
    released = _moment(release.get("date"), region)
    version = int(datetime.fromisoformat(released).timestamp()) if released else 0
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    return {
        "schema_version": 1,
        "type": "purchase.recorded",
        "event_id": event_id("ocds", ocid, release.get("id"), award_id),
        "occurred_at": facts["occurred_at"],
        "buyer": {"id": str(buyer["id"]), "kind": "agency", "name": _short(buyer.get("name")), "region": region},
        "supplier_id": facts["supplier_id"],
        "amount": facts["amount"],
        "currency": "IDR",
        "channel": _CHANNELS.get(tender.get("procurementMethod"), "other"),
        "reference": f"{ocid}/{award_id}"[:100],
        "state": facts["state"],
        "source": {"system": "ocds", "key": short_key(ocid, award_id), "version": max(version, 0)},
    }


def _contracts_of(award: dict, release: dict) -> list[dict]:
    # contracts[].id may be a JSON integer while awardID is text (CompraNet): compare as text.
    return [c for c in release.get("contracts") or []
            if isinstance(c, dict) and str(c.get("awardID")) == str(award.get("id"))]


def _state(award: dict, contracts: list[dict]) -> str:
    if contracts:
        states = {_CONTRACT_STATES.get(c.get("status"), "void" if c.get("status") == "cancelled" else "completed")
                  for c in contracts}
        return next(s for s in ("completed", "pending", "void") if s in states)
    return _AWARD_STATES.get(award.get("status"), "completed")


def _supplier_id(supplier: dict, release: dict) -> str:
    party = next((p for p in release.get("parties") or []
                  if isinstance(p, dict) and p.get("id") == supplier.get("id")), {})
    identifier = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    if "npwp" in str(identifier.get("scheme") or "").lower() and (npwp := npwp_id(identifier.get("id"))):
        return npwp
    return f"ocds:{supplier.get('id') or party.get('id')}"[:64]


def _moment(value, region: str | None) -> str | None:
    """RFC 3339 text of an OCDS date; a date without a time is noon, and a time without an
    offset is local time, in the buyer's region (UTC when no region is known)."""
    if not isinstance(value, str):
        return None
    zone = region_timezone(region) if region else UTC
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(12), zone).isoformat()
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()


def _short(name) -> str | None:
    return str(name)[:200] if name else None
