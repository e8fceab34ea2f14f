"""The kecamatan (districts) of the regions kuota ships a list for, by BPS region code, as
Kemendagri and BPS spell them. A supplier's `kecamatan` is checked against its region's list,
written as people write it: case, spacing and punctuation set aside (`cikarang  utara`,
`Karang Bahagia`, `Bantargebang`), and stored with the list's spelling. A region without a
list takes the name as written.
"""

from ledger.rules.identity import normal_name

REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "3216": ("Kabupaten Bekasi", (
        "Babelan", "Bojongmangu", "Cabangbungin", "Cibarusah", "Cibitung", "Cikarang Barat", "Cikarang Pusat",
        "Cikarang Selatan", "Cikarang Timur", "Cikarang Utara", "Karangbahagia", "Kedungwaringin",
        "Muara Gembong", "Pebayuran", "Serang Baru", "Setu", "Sukakarya", "Sukatani", "Sukawangi", "Tambelang",
        "Tambun Selatan", "Tambun Utara", "Tarumajaya")),
    "3275": ("Kota Bekasi", (
        "Bantar Gebang", "Bekasi Barat", "Bekasi Selatan", "Bekasi Timur", "Bekasi Utara", "Jatiasih",
        "Jatisampurna", "Medan Satria", "Mustika Jaya", "Pondok Gede", "Pondok Melati", "Rawalumbu")),
    "3674": ("Kota Tangerang Selatan", (
        "Ciputat", "Ciputat Timur", "Pamulang", "Pondok Aren", "Serpong", "Serpong Utara", "Setu")),
}


def _folded(name: str) -> str:
    return normal_name(name).replace(" ", "")


_INDEX = {region: {_folded(name): name for name in names} for region, (_, names) in REGIONS.items()}


def has_list(region: str | None) -> bool:
    return region in REGIONS


def district(region: str, written: str) -> str | None:
    """The kecamatan of `region` that `written` names, in the list's spelling; None when the
    region has a list and no kecamatan of it is meant; `written` itself for a region without one."""
    if region not in _INDEX:
        return written
    return _INDEX[region].get(_folded(written))


def region_name(region: str) -> str:
    return REGIONS[region][0]


def names(region: str) -> tuple[str, ...]:
    return REGIONS[region][1]
