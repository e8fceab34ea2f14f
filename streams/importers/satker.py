"""The directory of work units (satker): LKPP's numeric `kd_satker` (SIRUP, budgets, Toko Daring)
joined to `kd_satker_str` (SPSE, e-Katalog v6, SIRUP), which buyer ids are made of.

The satker master (`RUP-MasterSatker`) becomes no event: each row fills the directory (the
summary counts it as `directory`). Budget structure files (`RUP-StrukturAnggaranPD`) carry both
codes too and fill it through `learn`. The import keeps the directory in
`KUOTA_DATA_DIR/imports/satker.json`, so Toko Daring orders imported later still find their
work unit; in one command, files that fill it are read first.
"""

import json
from pathlib import Path

from streams.importers.base import Context, JsonArrayFormat, NotImported
from streams.importers.ids import missing

KEY = "satker"  # the directory's place in Context.seen


def learn(ctx: Context, kd_klpd, kd_satker, kd_satker_str, name=None) -> None:
    """Remember that `kd_satker` of government `kd_klpd` is the work unit `kd_satker_str`."""
    ctx.seen.setdefault(KEY, {})[_key(kd_klpd, kd_satker)] = {
        "kd_satker_str": str(kd_satker_str).strip(), "nama_satker": name}


def lookup(ctx: Context, kd_klpd, kd_satker) -> dict | None:
    return ctx.seen.get(KEY, {}).get(_key(kd_klpd, kd_satker))


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
    kept_as = "directory"  # its records fill the directory; they are no events and no errors
    fills_directory = True
    detected_by = ({"kd_satker", "kd_satker_str", "status_satker"},)

    def map(self, record: dict, ctx: Context) -> list[dict] | NotImported:
        if absent := [f for f in ("kd_klpd", "kd_satker", "kd_satker_str") if record.get(f) in (None, "")]:
            return missing(*absent)
        learn(ctx, record["kd_klpd"], record["kd_satker"], record["kd_satker_str"], record.get("nama_satker"))
        return []


FORMAT = SatkerMaster()
