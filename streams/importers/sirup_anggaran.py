"""SIRUP budget structure (`RUP-StrukturAnggaranPD`): each work unit's budget line for a year
becomes `budget.declared`, its `belanja_pengadaan` (operasi + modal + btt: the procurement budget,
the base of the 40% small-business share) as the declared budget.

A work unit without its own budget line has every amount and the year null (puskesmas under
their Dinas, mostly): not imported (`no_budget_line`), and so is a row with any null amount
(operasi, modal, btt, pengadaan, non-pengadaan, total), never read as a zero budget. A line
whose procurement budget is 0 is not imported either (`zero_budget`): a share of nothing says nothing. The event id derives from the work unit, the
year and the mapped content: the same row is a duplicate, a changed one (APBD-Perubahan) replaces
the budget under the same target key (the latest arrival wins; its time is 1 January of the year).
A row with a budget line also describes its work unit (`buyer.described`, also known by its
numeric `kd_satker`, the id Toko Daring orders are sent under), so the ledger joins the two
whichever arrives first. Every row, with a budget line or not, joins the numeric `kd_satker` to
`kd_satker_str` in the importer's own directory (`streams.importers.satker`).
"""

import hashlib
import json

from streams.importers.base import Context, JsonArrayFormat, NotImported, event_id, whole_rupiah
from streams.importers.klpd import buyer_id, described, region_of
from streams.importers.satker import learn
from streams.importers.sirup_paket import text_of, year_of

# A null anywhere means the line is not whole: none of it is read, let alone as a zero.
AMOUNTS = ("belanja_operasi", "belanja_modal", "belanja_btt", "belanja_pengadaan", "belanja_non_pengadaan",
           "total_belanja")


class SirupAnggaran(JsonArrayFormat):
    name = "sirup-anggaran"
    title = "SIRUP budget structure per work unit (RUP-StrukturAnggaranPD) -> budget.declared"
    fills_directory = True  # every row joins kd_satker to kd_satker_str, budget line or not
    detected_by = ({"belanja_pengadaan", "kd_satker_str", "total_belanja"},)

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        if missing := [k for k in ("kd_klpd", "kd_satker_str") if record.get(k) in (None, "")]:
            return NotImported("missing_field", f"no {', '.join(missing)}: a budget line needs its work unit")
        unit = buyer_id(record["kd_klpd"], record["kd_satker_str"])
        if record.get("kd_satker") not in (None, ""):
            learn(ctx, record["kd_klpd"], record["kd_satker"], record["kd_satker_str"], record.get("nama_satker"))
        if nulls := [k for k in AMOUNTS if record.get(k) is None]:
            return NotImported("no_budget_line", f"{unit} ({record.get('nama_satker') or '-'}) has no budget line "
                                                 f"of its own ({', '.join(nulls)} null): not a zero budget")
        year, budget = year_of(record), whole_rupiah(record["belanja_pengadaan"])
        if year is None:
            return NotImported("bad_value", f"tahun_anggaran {record.get('tahun_anggaran')!r} is not a year")
        if budget is None or budget < 0:
            return NotImported("bad_value", f"belanja_pengadaan {record['belanja_pengadaan']!r} is not an amount")
        if budget == 0:
            return NotImported("zero_budget", f"{unit} declares no procurement budget (belanja_pengadaan 0) for {year}")
        region = region_of(record["kd_klpd"], ctx)
        if isinstance(region, NotImported):
            return region
        body = {"type": "budget.declared", "schema_version": 1, "occurred_at": f"{year}-01-01T00:00:00+07:00",
                "agency_id": unit, "fiscal_year": year, "budget": budget, "region": region,
                "name": text_of(record.get("nama_satker"), 200)}
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
        return [{**body, "event_id": event_id("sirup-anggaran", unit, year, digest)},
                described(record["kd_klpd"], record.get("kd_satker"), record["kd_satker_str"], record.get("nama_satker"),
                          region)]


FORMAT = SirupAnggaran()
