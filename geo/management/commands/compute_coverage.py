"""Compute and store wifi and fiber coverage for every area, as of a date."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from geo.api.serializers.coverage import run_as_dict
from geo.coverage.services import DEFAULT_MIN_WHITE_ZONE_M2, CoverageError
from geo.scoring.services import make_snapshot


def parse_date(value: str) -> datetime.date:
    """A YYYY-MM-DD date, or a clear argparse error."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of {value!r} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    """`compute_coverage [--as-of YYYY-MM-DD] [--area CODE] [--json]`"""

    help = ("Analyse wifi and fiber coverage as of a date, store the run with its scores under "
            "every bundled methodology, and print the results.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--area", help="only this area (any level) and the areas below it")
        parser.add_argument(
            "--known-at", type=datetime.datetime.fromisoformat, metavar="YYYY-MM-DDTHH:MM",
            help="use the registry as it was recorded at this moment (from the change history)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument(
            "--min-white-zone-m2", type=float, default=DEFAULT_MIN_WHITE_ZONE_M2,
            help=f"smallest uncovered polygon reported (default {DEFAULT_MIN_WHITE_ZONE_M2:g})",
        )

    def handle(self, *args, **options):
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        try:
            run = make_snapshot(
                as_of, area_code=options["area"], min_white_zone_m2=options["min_white_zone_m2"],
                known_at=_aware(options["known_at"]),
            )
        except CoverageError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(run_as_dict(run), indent=2, ensure_ascii=False))
            return
        header = (f"{'kode':<14} {'wilayah':<18} {'luas km²':>9} {'cakupan %':>9} "
                  f"{'penduduk':>9} {'terjangkau':>10} {'pend. %':>7} {'aktif':>5} "
                  f"{'mati':>4} {'/10rb':>6} {'kantor fiber':>12}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in run.areas.select_related("area").order_by("area__code"):
            offices = row.facilities.get("government_offices", {})
            self.stdout.write(
                f"{row.area.code:<14} {row.area.name[:18]:<18} {row.area_m2 / 1e6:>9.3f} "
                f"{row.covered_pct:>9.1f} {_n(row.population):>9} "
                f"{_n(row.covered_population):>10} {_pct(row.covered_population_pct):>7} "
                f"{row.hotspots_active:>5} {row.hotspots_down:>4} "
                f"{_pct(row.hotspots_per_10k, 2):>6} "
                f"{offices.get('reaches_data_centre', 0):>5}/{offices.get('total', 0):<6}"
            )
        self.stdout.write(self.style.SUCCESS(
            f"Coverage run #{run.pk} as of {run.as_of}: {run.input_counts['hotspots_active']} "
            f"active hotspots, {run.white_zones.count()} white zones, "
            f"{len(run.fiber['bridges'])} single-point-of-failure links; "
            f"{run.duration_s:.2f} s."
        ))


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A naive moment read in the project's time zone (Asia/Jakarta)."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _n(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def _pct(value, digits=1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
