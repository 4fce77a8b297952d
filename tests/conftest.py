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


#: Why tests needing province-scale data were skipped; counted in the terminal summary.
SHARED_DATA_SKIP = "needs the shared data folder"


def shared_data_folder() -> Path:
    """`SIMPUL_SHARED_DATA`, or `../shared/data` beside the repository when it is unset."""
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("SIMPUL_SHARED_DATA") or default)


@pytest.fixture(scope="session")
def shared_data():
    """The folder of real province-scale data (`jatim_desa.gpkg`), kept outside the repository.

    Absent, the test is skipped; with `SIMPUL_REQUIRE_SHARED_DATA=1` (set by CI) it fails.
    """
    folder = shared_data_folder()
    if not (folder / "jatim_desa.gpkg").exists():
        message = f"{SHARED_DATA_SKIP} {folder} (jatim_desa.gpkg); set SIMPUL_SHARED_DATA"
        if os.environ.get("SIMPUL_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"SIMPUL_REQUIRE_SHARED_DATA=1 but the test {message}.")
        pytest.skip(message)
    return folder


def pytest_terminal_summary(terminalreporter):
    """One line saying how many tests were skipped for lack of the shared data, and why."""
    skipped = [
        report for report in terminalreporter.stats.get("skipped", [])
        if SHARED_DATA_SKIP in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} tests skipped: they need the province-scale data "
            f"(jatim_desa.gpkg) in SIMPUL_SHARED_DATA or ../shared/data, which is not there "
            f"({shared_data_folder()}). CI sets SIMPUL_REQUIRE_SHARED_DATA=1 to fail instead.",
            yellow=True, bold=True,
        )
