"""The registry's area services: writing administrative boundaries and reading summaries.

`read` reads boundary files, `validate` checks their features, `write` loads, saves and
deletes areas, `dissolve` rebuilds derived parents, `reassign` moves point assets to the
desa/kelurahan that covers them, `dependants` says what blocks a delete and `summary`
counts the layers of an area. Callers import the public names from here.
"""

from .dependants import ensure_deletable
from .errors import AreaInUse, AreaLoadError, AssetsOutsideAreas
from .read import LEVEL_NAMES, parse_level
from .summary import area_summary
from .write import delete_area, load_area_frame, load_areas, save_area

__all__ = [
    "LEVEL_NAMES",
    "AreaInUse",
    "AreaLoadError",
    "AssetsOutsideAreas",
    "area_summary",
    "delete_area",
    "ensure_deletable",
    "load_area_frame",
    "load_areas",
    "parse_level",
    "save_area",
]
