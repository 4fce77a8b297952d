"""Work done once per server process, after the application is built."""

import gc
from importlib import import_module

from django.conf import settings
from django.urls import get_resolver


def settle_process():
    """Load every URL and view module now, then freeze the objects loaded so far.

    A full garbage collection walks every object in the process: about 60 ms for Django,
    DRF, GeoDjango and the analysis libraries. Run in the middle of a request, that pause was
    the p99 latency of the API (bench/api.py). `gc.freeze()` moves the objects that live for
    the whole process out of the collector's reach, so collections only scan what requests
    create.
    """
    import_module(settings.ROOT_URLCONF)
    get_resolver().url_patterns  # noqa: B018 - resolves (imports) every included URLconf
    gc.collect()
    gc.freeze()
