"""Codes of the contract: channels, size classes, cooperative types, regions."""

from enum import StrEnum
from zoneinfo import ZoneInfo


class BuyerKind(StrEnum):
    AGENCY = "agency"
    COMPANY = "company"


class Channel(StrEnum):
    TOKO_DARING = "toko_daring"
    E_KATALOG = "e_katalog"
    TENDER = "tender"
    PENGADAAN_LANGSUNG = "pengadaan_langsung"
    KEMITRAAN = "kemitraan"
    GERAI = "gerai"
    OTHER = "other"


class Scale(StrEnum):
    """Business size by PP 7/2021 Pasal 35."""

    MIKRO = "mikro"
    KECIL = "kecil"
    MENENGAH = "menengah"
    BESAR = "besar"


class CooperativeType(StrEnum):
    PRODUSEN = "produsen"
    KONSUMEN = "konsumen"
    PEMASARAN = "pemasaran"
    JASA = "jasa"
    SIMPAN_PINJAM = "simpan_pinjam"
    SERBA_USAHA = "serba_usaha"
    SYARIAH = "syariah"
    MULTI_PIHAK = "multi_pihak"


class RejectReason(StrEnum):
    """Stable reason codes on `kuota.rejected.v1`."""

    INVALID_JSON = "invalid_json"
    SCHEMA_VIOLATION = "schema_violation"
    UNKNOWN_TYPE = "unknown_type"
    CONFLICTING_DUPLICATE = "conflicting_duplicate"
    UNKNOWN_REVERSAL = "unknown_reversal"
    OVER_REVERSAL = "over_reversal"
    INVALID_REVERSAL = "invalid_reversal"
    TOO_LARGE = "too_large"
    # A version of a source record whose version in force is another buyer's (an addition to v1):
    # one buyer's sender never supersedes, voids or moves another buyer's purchase.
    SOURCE_OF_ANOTHER_BUYER = "source_of_another_buyer"


#: Regions named in the domain primer (BPS codes). Any 4-digit code is accepted.
REGIONS: dict[str, str] = {
    "3216": "Kabupaten Bekasi",
    "3275": "Kota Bekasi",
    "3674": "Kota Tangerang Selatan",
    "3204": "Kabupaten Bandung",
    "6100": "Provinsi Kalimantan Barat",
}

_WIB, _WITA, _WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Province prefixes (first two digits of a BPS code) outside WIB.
_PROVINCE_ZONES: dict[str, str] = {
    **{p: _WITA for p in ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76")},
    **{p: _WIT for p in ("81", "82", "91", "92", "93", "94", "95", "96")},
}


def region_timezone(region: str) -> ZoneInfo:
    """Time zone in which a region's periods are cut (WIB unless the province is WITA/WIT)."""
    return ZoneInfo(_PROVINCE_ZONES.get(region[:2], _WIB))
