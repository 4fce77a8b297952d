"""What-if: the coverage gain of candidate hotspot sites, alone or as a greedy best-k pick."""

import csv
import datetime

import geopandas as gpd
import shapely
from django.core.management.base import BaseCommand, CommandError

from geo.coverage.services import what_if


def parse_candidate(text: str, number: int) -> dict:
    """`LAT,LON[,RADIUS_M]` as a candidate, or a CommandError naming it."""
    parts = [p.strip() for p in text.split(",")]
    try:
        lat, lon = float(parts[0]), float(parts[1])
        radius = float(parts[2]) if len(parts) > 2 and parts[2] else 100.0
    except (IndexError, ValueError):
        raise CommandError(
            f"Candidate {number} ({text!r}): expected LAT,LON[,RADIUS_M] in decimal degrees."
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CommandError(f"Candidate {number} ({text!r}): latitude or longitude out of range.")
    if not 1 <= radius <= 5000:
        raise CommandError(f"Candidate {number} ({text!r}): radius must be 1–5000 m.")
    return {"id": str(number), "lat": lat, "lon": lon, "radius_m": radius}


class Command(BaseCommand):
    """`coverage_what_if --candidate LAT,LON[,R] … | --file CSV [--pick K]`"""

    help = "Gain in covered area and population of candidate hotspot sites."

    def add_arguments(self, parser):
        parser.add_argument("--candidate", action="append", default=[], metavar="LAT,LON[,R]")
        parser.add_argument("--file", help="CSV with columns lat, lon and optional radius_m, id")
        parser.add_argument("--pick", type=int, help="greedily pick the best K candidates")
        parser.add_argument("--objective", choices=["population", "area"], default="population")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat)

    def handle(self, *args, **options):
        candidates = [parse_candidate(text, n)
                      for n, text in enumerate(options["candidate"], start=1)]
        if options["file"]:
            with open(options["file"], newline="", encoding="utf-8-sig") as handle:
                for n, row in enumerate(csv.DictReader(handle), start=len(candidates) + 1):
                    text = f"{row.get('lat', '')},{row.get('lon', '')},{row.get('radius_m', '')}"
                    candidate = parse_candidate(text, n)
                    candidate["id"] = row.get("id") or candidate["id"]
                    candidates.append(candidate)
        if not candidates:
            raise CommandError("Give at least one --candidate or a --file.")
        frame = gpd.GeoDataFrame(
            {"id": [c["id"] for c in candidates], "radius_m": [c["radius_m"] for c in candidates]},
            geometry=[shapely.Point(c["lon"], c["lat"]) for c in candidates], crs=4326,
        )
        result = what_if(frame, as_of=options["as_of"], pick=options["pick"],
                         objective=options["objective"])
        self.stdout.write(result.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
