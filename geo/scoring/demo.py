"""Demo claims: Kota Mojokerto's smart-city presentation of 10 November 2021.

The texts are the presentation's statements; each gets a checkable form (metric, scope,
comparator, value) and a note on how it was interpreted. `load_demo_claims` is idempotent:
claims are keyed by `key` and updated in place.
"""

import datetime

from django.db import transaction

from geo.models import AdminArea

from .choices import ClaimScope, Comparator
from .models import Claim

CITY_CODE = "35.76"
PRESENTATION = "Paparan Smart City Kota Mojokerto, 10 November 2021"
PRESENTED_ON = datetime.date(2021, 11, 10)
GOVERNMENT_OFFICES = ["kantor_opd", "kantor_kecamatan", "kantor_kelurahan"]
PUBLIC_FACILITIES = ["sekolah_sd", "sekolah_smp", "sekolah_sma", "puskesmas", "taman", "pasar"]

DEMO_CLAIMS = [
    {
        "key": "mojokerto-2021-158-wifi",
        "text": "Telah terpasang 158 titik wifi gratis di Kota Mojokerto.",
        "metric": "hotspots_installed", "params": {}, "scope": ClaimScope.AREA,
        "comparator": Comparator.GTE, "value": 158,
        "interpretation": "Hotspot gratis terpasang per tanggal (status apa pun kecuali "
                          "direncanakan; belum dinonaktifkan) di seluruh kota, minimal 158.",
    },
    {
        "key": "mojokerto-2021-wifi-every-kelurahan",
        "text": "Wifi gratis sudah tersedia di setiap kelurahan.",
        "metric": "hotspots_active", "params": {}, "scope": ClaimScope.EVERY_KELURAHAN,
        "comparator": Comparator.GTE, "value": 1,
        "interpretation": "Setiap kelurahan memiliki minimal satu hotspot gratis aktif.",
    },
    {
        "key": "mojokerto-2021-wifi-public-facilities",
        "text": "Wifi gratis tersedia di fasilitas-fasilitas publik (sekolah, puskesmas, "
                "taman, pasar).",
        "metric": "facility_pct",
        "params": {"flag": "in_coverage", "categories": PUBLIC_FACILITIES},
        "scope": ClaimScope.AREA, "comparator": Comparator.GTE, "value": 100,
        "interpretation": "Semua sekolah, puskesmas, taman dan pasar berada dalam jangkauan "
                          "hotspot gratis aktif (100%).",
    },
    {
        "key": "mojokerto-2021-network-whole-city",
        "text": "Jaringan data pemerintah sudah menjangkau seluruh wilayah kota.",
        "metric": "facility_count",
        "params": {"flag": "reaches_data_centre", "categories": GOVERNMENT_OFFICES},
        "scope": ClaimScope.EVERY_KELURAHAN, "comparator": Comparator.GTE, "value": 1,
        "interpretation": "Di setiap kelurahan minimal satu kantor pemerintah (OPD, kecamatan "
                          "atau kelurahan) tersambung ke pusat data melalui serat optik.",
    },
    {
        "key": "mojokerto-2021-opd-spbe",
        "text": "Seluruh OPD telah memiliki infrastruktur pendukung SPBE.",
        "metric": "facility_pct",
        "params": {"flag": "reaches_data_centre", "categories": ["kantor_opd"]},
        "scope": ClaimScope.AREA, "comparator": Comparator.GTE, "value": 100,
        "interpretation": "Semua kantor OPD tersambung ke pusat data melalui jaringan serat "
                          "optik (100%).",
    },
]


def load_demo_claims() -> tuple[int, int]:
    """Create or update the demo claims; return (created, updated). Needs the city loaded."""
    city = AdminArea.objects.filter(code=CITY_CODE).first()
    if city is None:
        return 0, 0
    created = updated = 0
    with transaction.atomic():
        for spec in DEMO_CLAIMS:
            fields = {**spec, "area": city, "source": PRESENTATION, "stated_on": PRESENTED_ON,
                      "refers_to": PRESENTED_ON}
            key = fields.pop("key")
            claim, made = Claim.objects.get_or_create(key=key, defaults=fields)
            if made:
                created += 1
                continue
            changed = [name for name, value in fields.items() if getattr(claim, name) != value]
            if changed:
                for name in changed:
                    setattr(claim, name, fields[name])
                claim.save(update_fields=[*changed, "last_updated"])
                updated += 1
    return created, updated
