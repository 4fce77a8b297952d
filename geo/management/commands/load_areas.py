"""Load administrative boundaries (GeoJSON, GeoPackage, Shapefile) into the area hierarchy."""

import time

from django.core.management.base import BaseCommand, CommandError

from geo.services import AreaLoadError, load_areas, parse_level


class Command(BaseCommand):
    """`load_areas FILE --level kelurahan --code-field kode --name-field nama …`"""

    help = (
        "Load desa/kelurahan (or any level of) boundaries by Kemendagri code. Creates missing "
        "parent levels from the codes, updates existing areas, moves hotspots, facilities "
        "and fiber nodes to the desa/kelurahan that now covers them, and writes nothing on "
        "error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON, GeoPackage or (zipped) Shapefile")
        parser.add_argument(
            "--level", required=True,
            help="level of the features: desa_kelurahan (desa, kelurahan), kecamatan, "
                 "kabupaten_kota (kabupaten, kota) or provinsi",
        )
        parser.add_argument("--code-field", default="kode", help="field with the code")
        parser.add_argument("--name-field", default="nama", help="field with the name")
        parser.add_argument("--layer", help="layer to read (required if the file has several)")
        parser.add_argument("--population-field", help="field with the population")
        parser.add_argument("--population-year", type=int, help="year of the population")
        parser.add_argument(
            "--population-source", default="BPS", help="source of the population (default BPS)"
        )
        parser.add_argument(
            "--parent-name-field", action="append", default=[], metavar="LEVEL=FIELD",
            help="field naming a parent level, e.g. kecamatan=nama_kec (repeatable); common "
                 "names such as 'kecamatan' and 'kabupaten' are found automatically",
        )
        parser.add_argument(
            "--make-valid", action="store_true",
            help="repair invalid geometries (reported) instead of refusing them",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            parent_fields = {}
            for item in options["parent_name_field"]:
                level_name, _, field = item.partition("=")
                if not field:
                    raise CommandError(f"--parent-name-field {item!r}: expected LEVEL=FIELD.")
                parent_fields[int(parse_level(level_name))] = field
            summary = load_areas(
                options["file"],
                level=options["level"],
                code_field=options["code_field"],
                name_field=options["name_field"],
                layer=options["layer"],
                population_field=options["population_field"],
                population_year=options["population_year"],
                population_source=options["population_source"],
                parent_name_fields=parent_fields,
                make_valid=options["make_valid"],
                dry_run=options["dry_run"],
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except AreaLoadError as exc:
            raise CommandError(f"Nothing was loaded.\n{exc}") from exc
        elapsed = time.monotonic() - started
        verb = "Would load" if summary.dry_run else "Loaded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {summary.features} areas in {elapsed:.1f} s: "
                f"{len(summary.created)} created, {len(summary.updated)} updated, "
                f"{summary.unchanged} unchanged; {len(summary.parents_created)} parent areas "
                f"created, {summary.parents_dissolved} dissolved from their children; "
                f"{summary.assets_moved} point assets moved to another desa/kelurahan."
            )
        )
        if summary.repaired:
            self.stdout.write(
                self.style.WARNING(
                    f"Repaired {len(summary.repaired)} invalid geometries with make_valid: "
                    + ", ".join(summary.repaired)
                )
            )
        if summary.dry_run:
            self.stdout.write("Dry run: nothing was written.")
