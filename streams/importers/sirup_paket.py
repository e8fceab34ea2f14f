"""SIRUP planned packages (`RUP-PaketPenyedia`): each announced package becomes `allocation.planned`.

A package is the plan of a work unit (`{kd_klpd}-{kd_satker_str}`) for a fiscal year: its ceiling
(`pagu`), whether it is reserved for small business (`status_ukm` UKM / Non-UKM, with
`alasan_non_ukm`), and whether it is excluded from the procurement rules (`status_dikecualikan`,
shown apart, never counted). Only announced packages (`status_umumkan_rup` Terumumkan) are plans in
force; a draft is not imported (`not_announced`). A package deleted (`status_delete_rup`) or
deactivated (`status_aktif_rup` false) at the source is sent as withdrawn, so that it replaces an
earlier announced version instead of leaving it in force.

The event id derives from the package code, its year and the mapped content: the same record
gives the same event (a duplicate), a changed one (pagu, UKM flag, withdrawal) a new event under
the same target key, which replaces the old one. Its time is the announcement
(`tgl_pengumuman_paket`, WIB), else the day the package was made, else 1 January of its year.
"""

import hashlib
import json

from streams.importers.base import Context, JsonArrayFormat, NotImported, event_id, whole_rupiah
from streams.importers.klpd import buyer_id, region_of
from streams.importers.satker import learn

REQUIRED = ("kd_klpd", "kd_satker_str", "kd_rup", "tahun_anggaran", "pagu", "status_ukm")
ANNOUNCED = "Terumumkan"
UKM = {"UKM": True, "Non-UKM": False}


class SirupPaket(JsonArrayFormat):
    name = "sirup-paket"
    title = "SIRUP planned packages (RUP-PaketPenyedia) -> allocation.planned"
    fills_directory = True  # a package names its work unit by both codes
    detected_by = ({"kd_rup", "pagu", "status_ukm", "kd_satker_str"},)

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        if missing := [k for k in REQUIRED if record.get(k) in (None, "")]:
            return NotImported("missing_field", f"no {', '.join(missing)}: a package needs its work unit, "
                                                f"code, year, pagu and UKM status")
        if record.get("kd_satker") not in (None, ""):
            learn(ctx, record["kd_klpd"], record["kd_satker"], record["kd_satker_str"], record.get("nama_satker"))
        if record.get("status_umumkan_rup") != ANNOUNCED:
            return NotImported("not_announced", f"package {record['kd_rup']} is "
                                                f"{record.get('status_umumkan_rup') or 'not announced'}: "
                                                f"only announced packages are a plan")
        if year_of(record) is None:
            return NotImported("bad_value", f"tahun_anggaran {record['tahun_anggaran']!r} is not a year")
        region = region_of(record["kd_klpd"], ctx)
        if isinstance(region, NotImported):
            return region
        pagu, ukm = whole_rupiah(record["pagu"]), UKM.get(str(record["status_ukm"]).strip())
        if pagu is None or pagu < 0:
            return NotImported("bad_value", f"pagu {record['pagu']!r} is not an amount of rupiah")
        if ukm is None:
            return NotImported("bad_value", f"status_ukm {record['status_ukm']!r}: expected UKM or Non-UKM")
        return [_event(record, region, pagu, ukm)]


def _event(record: dict, region: str, pagu: int, ukm: bool) -> dict:
    excluded = record.get("status_dikecualikan") is True
    body = {
        "type": "allocation.planned", "schema_version": 1, "occurred_at": _when(record),
        "agency_id": buyer_id(record["kd_klpd"], record["kd_satker_str"]),
        "agency_name": text_of(record.get("nama_satker"), 200),
        "fiscal_year": year_of(record), "package_id": str(record["kd_rup"]),
        "name": text_of(record.get("nama_paket"), 1000) or f"RUP {record['kd_rup']}", "pagu": pagu, "ukm": ukm,
        "reason_non_ukm": None if ukm else text_of(record.get("alasan_non_ukm"), 1000),
        "excluded": excluded, "reason_excluded": text_of(record.get("alasan_dikecualikan"), 1000) if excluded else None,
        "method": text_of(record.get("metode_pengadaan"), 200),
        "procurement_type": text_of(record.get("jenis_pengadaan"), 200),
        "region": region,
        "withdrawn": record.get("status_delete_rup") is True or record.get("status_aktif_rup") is False,
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return {**body, "event_id": event_id("sirup-rup", body["fiscal_year"], body["package_id"], digest)}


def _when(record: dict) -> str:
    # SIRUP writes local (WIB) times without an offset.
    announced = str(record.get("tgl_pengumuman_paket") or "")
    if len(announced) == 19:
        return f"{announced[:10]}T{announced[11:]}+07:00"
    made = str(record.get("tgl_buat_paket") or "")
    if len(made) >= 10:
        return f"{made[:10]}T00:00:00+07:00"
    return f"{year_of(record)}-01-01T00:00:00+07:00"


def year_of(record: dict) -> int | None:
    value = record.get("tahun_anggaran")
    text = str(value).strip()
    return int(text) if not isinstance(value, bool) and text.isdigit() and 1900 <= int(text) <= 2999 else None


def text_of(value, limit: int) -> str | None:
    """Stripped text cut to what the contract takes; blank is no text."""
    text = " ".join(str(value).split()) if value is not None else ""
    return text[:limit] or None


FORMAT = SirupPaket()
