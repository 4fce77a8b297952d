"""Check every registered claim against the coverage run of its date (or of a given date)."""

import json

from django.core.management.base import BaseCommand, CommandError

from geo.choices import ClaimScope, Verdict
from geo.management.commands.compute_coverage import parse_date
from geo.models import Claim
from geo.scoring.claims import ClaimError, verify_claims

STYLE = {Verdict.SUPPORTED: "SUCCESS", Verdict.PARTLY_SUPPORTED: "WARNING",
         Verdict.NOT_SUPPORTED: "ERROR", Verdict.UNDETERMINED: "NOTICE"}


class Command(BaseCommand):
    """`verify_claims [--as-of YYYY-MM-DD] [--claim ID] [--json]`"""

    help = ("Give each claim a verdict (supported, partly supported, not supported) with the "
            "measured value and the evidence, as of the date it refers to or --as-of.")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="check every claim as of this date instead of its own")
        parser.add_argument("--claim", type=int, action="append", help="only this claim id")
        parser.add_argument("--json", action="store_true",
                            help="print verdicts with measurements and evidence as JSON")

    def handle(self, *args, **options):
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        claims = Claim.objects.select_related("area").order_by("refers_to", "pk")
        if options["claim"]:
            claims = claims.filter(pk__in=options["claim"])
            missing = set(options["claim"]) - set(claims.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No claim with id {', '.join(map(str, sorted(missing)))}.")
        try:
            results = verify_claims(claims, as_of, compute_missing=True)
        except ClaimError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps([v.as_dict() for v in results], indent=2,
                                         ensure_ascii=False))
            return
        if not results:
            self.stdout.write("No claims registered.")
        for verification in results:
            claim = verification.claim
            style = getattr(self.style, STYLE[Verdict(verification.verdict)])
            self.stdout.write(f"#{claim.pk} “{claim.text}”")
            self.stdout.write(f"    {claim.metric} {claim.params or ''} "
                              f"{claim.get_comparator_display()} {claim.value:g} · "
                              f"{claim.get_scope_display()} {claim.area.name}")
            self.stdout.write("    " + style(f"{verification.as_of}: {verification.summary}"))
            failing = verification.evidence.get("failing_areas", [])
            if claim.scope == ClaimScope.EVERY_KELURAHAN and failing:
                names = {a["code"]: a["name"] for a in verification.areas}
                self.stdout.write(f"    tidak memenuhi: {', '.join(names[c] for c in failing)}")
            facilities = verification.evidence.get("facilities_failing", [])
            if facilities:
                self.stdout.write(f"    fasilitas tidak memenuhi: {len(facilities)}")
