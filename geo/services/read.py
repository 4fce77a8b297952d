"""Reading boundary files: `read_boundaries` (any file GDAL reads, in EPSG:4326) and
`parse_level` (the level named on the command line)."""

from pathlib import Path

import geopandas as gpd
import pyogrio

from core.choices import AreaLevel

from .errors import AreaLoadError

LEVEL_NAMES = {
    "provinsi": AreaLevel.PROVINSI,
    "kabupaten_kota": AreaLevel.KABUPATEN_KOTA,
    "kabupaten": AreaLevel.KABUPATEN_KOTA,
    "kota": AreaLevel.KABUPATEN_KOTA,
    "kecamatan": AreaLevel.KECAMATAN,
    "desa_kelurahan": AreaLevel.DESA_KELURAHAN,
    "desa": AreaLevel.DESA_KELURAHAN,
    "kelurahan": AreaLevel.DESA_KELURAHAN,
}


def parse_level(name: str) -> AreaLevel:
    """The level named on the command line (`kelurahan`, `desa`, `kecamatan`, …)."""
    try:
        return LEVEL_NAMES[name.strip().lower()]
    except KeyError:
        raise AreaLoadError(
            [f"Unknown level {name!r}; use one of: {', '.join(sorted(LEVEL_NAMES))}."]
        ) from None


def read_boundaries(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a spatial file into a GeoDataFrame in EPSG:4326, with clear errors."""
    path = Path(path)
    if not path.exists():
        raise AreaLoadError([f"File not found: {path}"])
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        raise AreaLoadError(
            [
                f"{path.name} is not a spatial file GDAL can read (GeoJSON, GeoPackage, "
                f"Shapefile, …): {exc}"
            ]
        ) from exc
    if layer is not None and layer not in layers:
        raise AreaLoadError(
            [f"Layer {layer!r} not found in {path.name}; its layers are: {', '.join(layers)}."]
        )
    if layer is None and len(layers) > 1:
        raise AreaLoadError(
            [f"{path.name} has several layers ({', '.join(layers)}); choose one with --layer."]
        )
    frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    where = f"{path.name}" + (f" (layer {layer})" if layer else "")
    if len(frame) == 0:
        raise AreaLoadError([f"{where} has no features."])
    if "geometry" not in frame or frame.geometry.isna().all():
        raise AreaLoadError([f"{where} has no geometry: it is not a spatial layer."])
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise AreaLoadError(
                [
                    f"{where} declares no CRS and its coordinates are not longitude/latitude; "
                    "declare the CRS in the file."
                ]
            )
        frame = frame.set_crs(4326)
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    return frame
