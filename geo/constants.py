"""Constants of the geo app."""

# Names of the 38 provinsi by Kemendagri code (Kepmendagri 2025), used when a boundary
# file creates a provinsi that it does not name.
PROVINSI_NAMES = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "Daerah Istimewa Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

# Column names that commonly hold the name of a parent level in boundary files.
PARENT_NAME_FIELDS = {
    1: ("provinsi", "propinsi", "nama_prov", "province"),
    2: ("kabupaten_kota", "kab_kota", "kabupaten", "kota", "nama_kab", "regency"),
    3: ("kecamatan", "nama_kec", "district"),
}

# Source label of parent areas that a loader made by dissolving their children.
DERIVED_SOURCE = "derived: union of child areas"
