"""The checks of a supplier row (a Dinas's registry spreadsheet), on plain values: each gives the
value as kuota stores it, or a `Problem` with a stable code and what to write instead, in Bahasa
Indonesia then English.

- NIB: 13 digits (`invalid_nib`). NPWP: 15 or 16 digits, dots and dashes allowed, stored as 16
  (a 15-digit number with a leading 0, as `ids.npwp_id` writes every importer's tax id), so a
  purchase naming `npwp:` finds it (`invalid_npwp`). LKPP code: up to 64 characters.
- An identifier the supplier id already is (`npwp:...`, a bare NIB, `sikap:`/`lkpp:`) must not
  say another number in its own column (`identifier_conflict`).
- Kecamatan: one of the region's, when kuota ships the region's list (`unknown_district`).
- Scale: a stated class must be the one PP 7/2021 gives for the stated sales (else capital)
  (`scale_mismatch`).
- Cooperative type: a contract code, or as people write it: `Simpan Pinjam`, `Koperasi Serba
  Usaha`, `KSU`, `KSP` (`invalid_cooperative`).
"""

import re
from dataclasses import dataclass

from ledger.rules.eligibility import derive_scale
from ledger.rules.identity import LKPP, NIB, NPWP, identifier_keys
from ledger.rules.money import format_rupiah
from schemas.codes import CooperativeType
from schemas.events import normalise_npwp
from streams.importers import kecamatan
from streams.importers.ids import npwp_id


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    said: str


_COOPERATIVES = {c.value.replace("_", ""): c.value for c in CooperativeType} | {
    "ksu": "serba_usaha", "ksp": "simpan_pinjam", "usp": "simpan_pinjam", "kspps": "syariah",
    "ksps": "syariah", "simpanpinjamsyariah": "syariah", "simpanpinjamdanpembiayaansyariah": "syariah",
    "multipihak": "multi_pihak", "kmp": "multi_pihak",
}


def cell_text(value) -> str:
    """A cell as text; a whole number saved by a spreadsheet (`9120001234567.0`) without its `.0`."""
    return str(value).strip().removesuffix(".0")


def nib(value) -> str | Problem:
    digits = re.sub(r"\s", "", cell_text(value))
    if re.fullmatch(r"[0-9]{13}", digits):
        return digits
    return Problem("invalid_nib", f"{cell_text(value)[:40]!r} bukan NIB: NIB adalah 13 angka (ada "
                                  f"{sum(c.isdigit() for c in digits)}); salin dari izin OSS / not a NIB: a NIB is "
                                  f"13 digits; copy it from the OSS licence")


def npwp(value) -> str | Problem:
    text = cell_text(value)
    try:
        return npwp_id(normalise_npwp(text)).removeprefix("npwp:")
    except ValueError:
        return Problem("invalid_npwp", f"{text[:40]!r} bukan NPWP: tulis 15 atau 16 angka, boleh dengan titik dan "
                                       f"tanda hubung (01.234.567.8-901.000), sebagai teks / not an NPWP: write 15 "
                                       f"or 16 digits, dots and dashes allowed, as text")


def lkpp(value) -> str | Problem:
    text = cell_text(value)
    if len(text) <= 64:
        return text
    return Problem("invalid_value", "kode LKPP lebih dari 64 karakter / an LKPP code has at most 64 characters")


def id_agrees(supplier_id: str, identifiers: dict[str, str]) -> Problem | None:
    """A Problem when the supplier id is itself an identifier and its column says another one."""
    for kind, value in identifier_keys(supplier_id):
        stated = identifiers.get(kind)
        same = npwp_id(value) == npwp_id(stated) if kind == NPWP else value == stated
        if stated is not None and not same:
            column = {NIB: "nib", NPWP: "npwp", LKPP: "lkpp"}[kind]
            return Problem("identifier_conflict", f"id_penyedia {supplier_id} adalah {column} {value}, tetapi kolom "
                                                  f"{column} berisi {stated}; samakan atau kosongkan kolom {column} / "
                                                  f"the supplier id is {column} {value} but the column says {stated}")
    return None


def district(region: str | None, value: str) -> str | Problem:
    if region is None or not kecamatan.has_list(region):
        return value
    if found := kecamatan.district(region, value):
        return found
    return Problem("unknown_district", f"{value[:60]!r} bukan kecamatan di {region} ({kecamatan.region_name(region)}); "
                                       f"tulis salah satu: {', '.join(kecamatan.names(region))} / not a kecamatan "
                                       f"of that region")


def scale_agrees(scale: str | None, capital: int | None, annual_sales: int | None) -> Problem | None:
    """A Problem when a stated class is not the one PP 7/2021 gives for the stated amounts."""
    if scale is None or (capital is None and annual_sales is None):
        return None
    derived = derive_scale(capital, annual_sales).value
    if derived == scale:
        return None
    basis, en = (("hasil_penjualan_tahunan", "annual sales") if annual_sales is not None else
                 ("modal_usaha", "capital"))
    amount = format_rupiah(annual_sales if annual_sales is not None else capital)
    return Problem("scale_mismatch", f"skala {scale} tidak sesuai PP 7/2021: {basis} {amount} berarti {derived}; "
                                     f"perbaiki skala atau {basis}, atau kosongkan skala / stated {scale}, but "
                                     f"{en} of {amount} make it {derived} under PP 7/2021; correct one of them or "
                                     f"leave the scale empty")


def cooperative(value: str) -> str | Problem:
    folded = re.sub(r"[^0-9a-z]+", "", value.casefold())
    code = _COOPERATIVES.get(folded) or _COOPERATIVES.get(folded.removeprefix("koperasi"))
    if code:
        return code
    return Problem("invalid_cooperative", f"{value[:40]!r} bukan jenis koperasi; tulis salah satu: "
                                          f"{', '.join(c.value for c in CooperativeType)} (atau Simpan Pinjam, Serba "
                                          f"Usaha, KSU, KSP) / not a cooperative type; write one of those")
