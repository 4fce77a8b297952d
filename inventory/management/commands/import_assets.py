"""Import hotspots, facilities, fiber nodes or fiber links from a file (all or nothing)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from inventory.io.importer import import_file
from inventory.io.schema import LAYERS


class Command(BaseCommand):
    """`import_assets LAYER FILE [--dry-run] [--update] [--layer L] [--crs EPSG:…]`"""

    help = (
        "Import a CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile or KML file into one layer. "
        "Every row is checked first; any error means nothing is written and the command "
        "exits non-zero with the full report. See docs/import-export.md for the columns."
    )

    def add_arguments(self, parser):
        parser.add_argument("layer", choices=list(LAYERS), help="layer to import into")
        parser.add_argument("file", help="file to import")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and report what would be created/updated; write nothing")
        parser.add_argument("--update", action="store_true",
                            help="update existing records with the same external_id")
        parser.add_argument("--layer", dest="source_layer",
                            help="layer (GeoPackage, KML) or sheet (XLSX) to read")
        parser.add_argument("--crs", help="CRS of coordinates in a file that declares none "
                                          "(CSV/XLSX, shapefile without .prj), e.g. EPSG:32749")
        parser.add_argument("--source", help="value of 'source' for rows that leave it blank "
                                             "(default: the file name)")
        parser.add_argument("--max-errors", type=int, default=200,
                            help="errors to print (all are counted; default 200)")

    def handle(self, *args, **options):
        progress_every = {"next": 10_000}

        def progress(done, total):
            if done >= progress_every["next"] or (total and done >= total):
                of = f" of {total}" if total else ""
                self.stdout.write(f"  {done}{of} rows checked")
                progress_every["next"] = done + 10_000

        report = import_file(
            options["layer"], options["file"], dry_run=options["dry_run"],
            update=options["update"], sheet_or_layer=options["source_layer"],
            crs=options["crs"], source=options["source"],
            progress=progress if options["verbosity"] >= 1 and sys.stdout else None,
        )
        text = report.as_text(limit=options["max_errors"])
        if not report.ok:
            raise CommandError(text)
        self.stdout.write(self.style.SUCCESS(text))
