"""Fixtures of the geo tests."""

import pytest

from tests.factories import save_utm_area, strip


@pytest.fixture
def kelurahan(db):
    """Barat (1,000 people) and Timur (3,000), side by side, saved as `load_areas` would."""
    return {"barat": save_utm_area("35.76.01.1001", strip(0, 1000), "Barat", 1000),
            "timur": save_utm_area("35.76.01.1002", strip(1000, 2000), "Timur", 3000)}
