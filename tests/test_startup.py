"""The server entry points settle the process: URLconf loaded, start-up objects frozen."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_entry_point_freezes_the_start_up_objects(module):
    script = (
        f"import gc, sys, {module}\n"
        "print(gc.get_freeze_count(), 'inventory.api.views' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env,
                            capture_output=True, text=True, check=True)
    frozen, views_loaded = result.stdout.split()
    # Django, DRF, GeoDjango and the views are well over 100,000 objects.
    assert int(frozen) > 100_000
    assert views_loaded == "True"
