"""Write the evidence pack of a date as a zip (report, data files, manifest with hashes)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geo.coverage.services import CoverageError
from geo.management.commands.compute_coverage import parse_date
from geo.scoring.evidence import build_pack
from geo.scoring.methodology import MethodologyError, load_methodology
from geo.scoring.services import ScoringError


class Command(BaseCommand):
    """`evidence_pack [--as-of DATE] [--methodology NAME|FILE] [--compare-with DATE] [-o FILE]`"""

    help = ("Write one zip for assessors: report.html (and report.pdf with WeasyPrint), "
            "results.json, scores.csv, areas.geojson, white_zones.geojson, claims.json, "
            "manifest.json.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--methodology", help="bundled name or YAML/JSON file")
        parser.add_argument("--compare-with", help="second date for the comparison section")
        parser.add_argument("--no-pdf", action="store_true", help="leave out report.pdf")
        parser.add_argument("-o", "--output", help="zip file to write (default: "
                            "simpul-evidence-<methodology>-<date>.zip in the current folder)")

    def handle(self, *args, **options):
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        compare_with = parse_date(options["compare_with"]) if options["compare_with"] else None
        try:
            methodology = load_methodology(options["methodology"])
            pack = build_pack(as_of, methodology=methodology, compare_with=compare_with,
                              pdf=not options["no_pdf"], compute_missing=True)
        except MethodologyError as exc:
            raise CommandError(f"Invalid methodology:\n{exc}") from exc
        except (CoverageError, ScoringError) as exc:
            raise CommandError(str(exc)) from exc
        output = Path(options["output"] or pack.filename)
        output.write_bytes(pack.zip_bytes())
        for name, digest in pack.manifest["files"].items():
            self.stdout.write(f"{name:<22} {len(pack.files[name]):>9} B  sha256 {digest[:16]}")
        self.stdout.write(self.style.SUCCESS(
            f"Evidence pack as of {pack.as_of} written to {output} "
            f"(data {pack.manifest['coverage']['data_hash'][:12]}, "
            f"results {pack.manifest['results_sha256'][:12]})."))
