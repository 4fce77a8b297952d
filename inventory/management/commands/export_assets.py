"""Export a layer of the registry to a file (GeoJSON, CSV, XLSX, GPKG, SHP, KML, OSM, OFDS)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from inventory.io.exporters import FORMATS, ExportError, export_layer
from inventory.io.schema import LAYERS


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r}: expected a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    """`export_assets LAYER --format FMT -o FILE [--area CODE] [--as-of DATE] [--public]`"""

    help = (
        "Export hotspots, facilities, fiber nodes or fiber links. Formats: geojson, csv, xlsx, "
        "gpkg, shp (zipped), kml; osm (OpenStreetMap-tagged GeoJSON, hotspots) and ofds "
        "(Open Fibre Data Standard nodes/spans GeoJSON, fiber layers)."
    )

    def add_arguments(self, parser):
        parser.add_argument("layer", choices=list(LAYERS))
        parser.add_argument("--format", required=True, choices=list(FORMATS), dest="fmt")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument("--area", help="only records in the area with this Kemendagri code")
        parser.add_argument("--as-of", help="only records in service on this date (YYYY-MM-DD)")
        parser.add_argument("--public", action="store_true",
                            help="leave out internal notes and sensitive fiber details")

    def handle(self, *args, **options):
        as_of = _date(options["as_of"]) if options["as_of"] else None
        try:
            count = export_layer(options["layer"], options["fmt"], options["output"],
                                 area=options["area"], as_of=as_of, public=options["public"])
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Exported {count} {options['layer']} as {options['fmt']} to {options['output']}."
        ))
