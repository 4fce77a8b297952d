"""Rate limits on citizen reports: per client and per hotspot, kept only in the cache.

The client is identified by a salted hash (HMAC with SECRET_KEY) of its address; the hash
lives in the cache entry that counts its recent reports and expires with it. Neither the
address nor the hash is ever written to the database.

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`: `reports` (per client) and
`reports-hotspot` (per hotspot). Besides DRF's "5/m", a multiple of the period is accepted:
"5/10m" is five per ten minutes.
"""

import re
from types import SimpleNamespace

from django.utils.crypto import salted_hmac
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

CLIENT_SCOPE = "reports"
HOTSPOT_SCOPE = "reports-hotspot"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_hash(ident: str) -> str:
    """A salted, non-reversible key for a client address (for cache keys only)."""
    return salted_hmac("simpul.reports.client", ident or "", algorithm="sha256").hexdigest()[:32]


class MultiplePeriodMixin:
    """Parse rates like "5/10m" (five per ten minutes) as well as DRF's "5/m"."""

    def parse_rate(self, rate):
        """(requests, seconds) of a rate string, or (None, None) for no limit."""
        if rate is None:
            return (None, None)
        match = _RATE.match(rate)
        if match is None:
            raise ValueError(f"Invalid throttle rate {rate!r}: use e.g. 5/10m, 20/h.")
        num, multiple, unit = match.groups()
        return int(num), int(multiple or 1) * _SECONDS[unit]


class ReportClientThrottle(MultiplePeriodMixin, ScopedRateThrottle):
    """Reports per client (the view's `throttle_scope`, normally `reports`)."""

    def get_cache_key(self, request, view):
        """Key on the salted hash of the client address, never the address itself."""
        return self.cache_format % {"scope": self.scope,
                                    "ident": client_hash(self.get_ident(request))}


class ReportHotspotThrottle(MultiplePeriodMixin, SimpleRateThrottle):
    """Reports per hotspot, whoever sends them (the view's `pk` keyword argument)."""

    scope = HOTSPOT_SCOPE

    def get_cache_key(self, request, view):
        """Key on the hotspot id."""
        return self.cache_format % {"scope": self.scope, "ident": str(view.kwargs["pk"])}


def report_throttles() -> list:
    """The throttles every report submission passes, in order."""
    return [ReportClientThrottle(), ReportHotspotThrottle()]


def throttle_wait(request, pk) -> float | None:
    """For a plain Django view: None if the report may go ahead, else seconds to wait."""
    view = SimpleNamespace(throttle_scope=CLIENT_SCOPE, kwargs={"pk": pk})
    for throttle in report_throttles():
        if not throttle.allow_request(request, view):
            return throttle.wait() or 0.0
    return None
