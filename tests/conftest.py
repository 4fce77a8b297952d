"""Shared pytest fixtures."""

import os
from pathlib import Path

import pytest

from tests.factories import make_area, square

pytest_plugins = ["tests.api_support"]


@pytest.fixture
def two_kelurahan(db):
    """Two adjacent 1 km × 1 km kelurahan side by side (west: .1001, east: .1002)."""
    west = make_area("35.76.01.1001", square(0, 0), name="Barat", population=1000)
    east = make_area("35.76.01.1002", square(1, 0), name="Timur", population=3000)
    return west, east


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real public data beside the repository (`../shared/data`)."""
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    folder = Path(os.environ.get("SIMPUL_SHARED_DATA", default))
    assert (folder / "mojokerto_kelurahan.geojson").exists(), (
        f"The shared data folder {folder} is missing; set SIMPUL_SHARED_DATA."
    )
    return folder
