"""The directory of work units (satker): LKPP's numeric `kd_satker` (SIRUP, budgets, Toko Daring)
joined to `kd_satker_str` (SPSE, e-Katalog v6, SIRUP), which buyer ids are made of.

Each row of the satker master (`RUP-MasterSatker`) becomes `buyer.described`: the work unit
`{kd_klpd}-{kd_satker_str}` with its name and region, also known as `{kd_klpd}-satker-{kd_satker}`,
the id Toko Daring orders are sent under. The ledger joins the two whichever arrives first
(`ledger.books.directory`), so the import order changes no buyer and no total. Budget structure
files (`RUP-StrukturAnggaranPD`) describe the units they carry the same way. The import also
keeps the directory in `KUOTA_DATA_DIR/imports/satker.json` (for its summary: which Toko Daring
units a directory already names).
"""

import json
from pathlib import Path

from streams.importers.base import Context, JsonArrayFormat, NotImported
from streams.importers.ids import missing
from streams.importers.klpd import UNJOINED, described, region_of

KEY = "satker"  # the directory's place in Context.seen


def learn(ctx: Context, kd_klpd, kd_satker, kd_satker_str, name=None) -> None:
    """Remember that `kd_satker` of government `kd_klpd` is the work unit `kd_satker_str`."""
    ctx.seen.setdefault(KEY, {})[_key(kd_klpd, kd_satker)] = {
        "kd_satker_str": str(kd_satker_str).strip(), "nama_satker": name}


def lookup(ctx: Context, kd_klpd, kd_satker) -> dict | None:
    return ctx.seen.get(KEY, {}).get(_key(kd_klpd, kd_satker))


def knows(ctx: Context, buyer: str) -> bool:
    """Whether a work unit sent under `{kd_klpd}-satker-{kd_satker}` is one the directory describes."""
    klpd, found, code = buyer.partition(UNJOINED)
    return bool(found) and lookup(ctx, klpd, code) is not None


def _key(kd_klpd, kd_satker) -> str:
    return f"{str(kd_klpd).strip().upper()}:{str(kd_satker).strip()}"


def load(path: Path) -> dict:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):  # none yet, or damaged: the next master file rebuilds it
        return {}
    return found if isinstance(found, dict) else {}


def save(path: Path, directory: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(directory, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    tmp.replace(path)  # never half a directory


class SatkerMaster(JsonArrayFormat):
    name = "rup-master-satker"
    title = "SIRUP: master satker / work units (directory)"
    fills_directory = True
    detected_by = ({"kd_satker", "kd_satker_str", "status_satker"},)

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        if absent := [f for f in ("kd_klpd", "kd_satker", "kd_satker_str") if record.get(f) in (None, "")]:
            return missing(*absent)
        region = region_of(record["kd_klpd"], ctx)
        if isinstance(region, NotImported):
            return region
        learn(ctx, record["kd_klpd"], record["kd_satker"], record["kd_satker_str"], record.get("nama_satker"))
        return [described(record["kd_klpd"], record["kd_satker"], record["kd_satker_str"], record.get("nama_satker"),
                          region)]


FORMAT = SatkerMaster()
