"""Score every area (kelurahan, kecamatan, city) for a date under a methodology, and store it."""

import json

from django.core.management.base import BaseCommand, CommandError

from geo.coverage.services import CoverageError, latest_run
from geo.management.commands.compute_coverage import parse_date
from geo.scoring.methodology import MethodologyError, load_methodology
from geo.scoring.services import ScoringError, area_results, compute_scores, run_summary


class Command(BaseCommand):
    """`compute_scores [--as-of YYYY-MM-DD] [--methodology NAME|FILE] [--json]`"""

    help = ("Score Smart Living and Smart Government for every area from the coverage run of a "
            "date (computed if missing), store the scores with their explanation, print a table.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--methodology", help="bundled name (e.g. rkci-strict-v1) or a "
                            "YAML/JSON file (default: simpul-default-v1)")
        parser.add_argument("--json", action="store_true",
                            help="print the run and every score with its explanation as JSON")

    def handle(self, *args, **options):
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        try:
            methodology = load_methodology(options["methodology"])
        except MethodologyError as exc:
            raise CommandError(f"Invalid methodology:\n{exc}") from exc
        if as_of is not None and latest_run(as_of) is None and not options["json"]:
            self.stdout.write(f"No coverage run as of {as_of}: computing it first.")
        try:
            run = compute_scores(as_of, methodology=methodology)
        except (CoverageError, ScoringError) as exc:
            raise CommandError(str(exc)) from exc
        results = area_results(run)
        if options["json"]:
            self.stdout.write(json.dumps({"run": run_summary(run), "results": results},
                                         indent=2, ensure_ascii=False))
            return
        dimensions = [d.id for d in methodology.dimensions]
        header = f"{'kode':<14} {'wilayah':<18} " + " ".join(f"{d:>16}" for d in dimensions)
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for entry in sorted(results, key=lambda e: e["code"]):
            cells = []
            for dimension_id in dimensions:
                score = entry["dimensions"][dimension_id]["score"]
                cells.append(f"{'–' if score is None else f'{score:.1f}':>16}")
            self.stdout.write(f"{entry['code']:<14} {entry['name'][:18]:<18} " + " ".join(cells))
        self.stdout.write(self.style.SUCCESS(
            f"Score run #{run.pk} as of {run.as_of} ({methodology.label}, coverage run "
            f"#{run.coverage_run_id}, data {run.inputs['data_hash'][:12]}, results "
            f"{run.results_sha256[:12]}); {run.duration_s:.2f} s."
        ))
