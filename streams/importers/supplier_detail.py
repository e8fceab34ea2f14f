"""e-Katalog supplier detail (`Ecat-PenyediaDetail`) as `supplier.registered`, only when LKPP
states the supplier's size class: an importer never invents one.

- `penyedia_ukm` naming a class (`Usaha Mikro`, `Usaha Kecil`, `Usaha Menengah`, `Usaha Besar`,
  or the bare word) registers the supplier with that scale. Anything else (`Belum Terdefinisi`,
  a bare `UKM` that does not say mikro or kecil, `Non UKM`, empty) is not imported,
  `no_size_class`: register such a supplier from its own papers (`kuota import --template
  suppliers`). No cooperative flag is read: LKPP publishes none, and a name is no proof.
- The supplier is registered once, under its tax id `npwp:<16 digits>` (as SPSE names it) from
  `npwp_16` or `npwp_penyedia`, else under `sikap:<kode_penyedia_sikap>` (as e-Katalog v6
  orders name it), with `identifiers` {npwp, lkpp: the SIKaP code, nib when the record has a
  13-digit `nib_penyedia` / `nib`}: the ledger attributes a purchase naming any of them to this
  one supplier. Registering it under each id would be the same business twice (data ganda).
  Not `kd_penyedia`: that is e-Katalog 5's code, which no purchase names.
- The detail gives no region code: `--region` names it, else the record is not imported
  (`no_region`). It gives no date either: the class holds from the day of the import (valid
  from that day), since nothing says what it was before.
"""

import re
from datetime import date, datetime, timezone

from streams.importers.base import Context, JsonArrayFormat, NotImported, event_id
from streams.importers.ids import code_id, missing, npwp_id

SCALES = {"mikro": "mikro", "kecil": "kecil", "menengah": "menengah", "besar": "besar"}


def scale_of(value) -> str | None:
    words = " ".join(str(value or "").casefold().split())
    words = words.removeprefix("usaha ").strip()
    return SCALES.get(words)


class SupplierDetail(JsonArrayFormat):
    name = "ekatalog-penyedia"
    title = "e-Katalog: detail penyedia / supplier detail"
    detected_by = ({"penyedia_ukm", "kode_penyedia_sikap"}, {"penyedia_ukm", "npwp_penyedia"})

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        scale = scale_of(record.get("penyedia_ukm"))
        if scale is None:
            return NotImported("no_size_class", f"penyedia_ukm is {record.get('penyedia_ukm')!r}: LKPP states no size "
                                                f"class (mikro, kecil, menengah, besar) for this supplier, and kuota "
                                                f"never guesses one; register it from its own papers")
        if not record.get("nama_penyedia"):
            return missing("nama_penyedia")
        tax, sikap = npwp_id(record.get("npwp_16"), record.get("npwp_penyedia")), code_id(
            "sikap", record.get("kode_penyedia_sikap"))
        if not tax and not sikap:
            return missing("npwp_16 / npwp_penyedia / kode_penyedia_sikap")
        if not ctx.region:
            return NotImported("no_region", "the supplier detail names no region code; import it with --region CODE")
        today = ctx.seen.get("today") or datetime.now(timezone.utc).date()
        return [_registration(tax or sikap, record, scale, ctx.region, today, identifiers_of(tax, sikap, record))]


def identifiers_of(tax: str | None, sikap: str | None, record: dict) -> dict:
    nib = re.sub(r"\s", "", str(record.get("nib_penyedia") or record.get("nib") or ""))
    found = {"npwp": tax and tax.removeprefix("npwp:"), "lkpp": sikap and sikap.removeprefix("sikap:"),
             "nib": nib if re.fullmatch(r"[0-9]{13}", nib) else None}
    return {kind: value for kind, value in found.items() if value}


def _registration(supplier: str, record: dict, scale: str, region: str, day: date, identifiers: dict) -> dict:
    return {
        "type": "supplier.registered", "schema_version": 1,
        "event_id": event_id("ekatalog-penyedia", supplier, scale, day.isoformat(), sorted(identifiers.items())),
        "occurred_at": f"{day.isoformat()}T00:00:00+00:00",
        "supplier": {"id": supplier, "name": " ".join(str(record["nama_penyedia"]).split())[:200],
                     "region": region, "scale": scale, "identifiers": identifiers},
        "valid_from": day.isoformat(),
    }


FORMAT = SupplierDetail()
