"""Readers: an uploaded file → numbered raw rows, streamed in chunks.

CSV (comma, semicolon or tab; UTF-8 with or without BOM) is read with the csv module, XLSX
with openpyxl in read-only mode, and GeoJSON, GeoPackage, zipped Shapefile and KML with
pyogrio (its bundled GDAL), a chunk of features at a time. Nothing here interprets values:
readers return text (or the native cell value) keyed by the lower-cased column header, plus
the feature geometry for spatial formats, reprojected to EPSG:4326 when the file declares
another CRS. Tabular files carry their location in latitude/longitude columns or a WKT
column; `coordinate_columns` finds them and validation builds the geometry.
"""

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.conf import settings
from pyproj import CRS, Transformer

TABULAR_SUFFIXES = {".csv", ".txt", ".xlsx"}
SPATIAL_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp", ".kml"}
SUPPORTED = "CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile, KML"

LATITUDE_NAMES = ("lat", "latitude", "lintang", "y")
LONGITUDE_NAMES = ("lon", "lng", "long", "longitude", "bujur", "x")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "wkt_geom", "route")
CHUNK_SIZE = 5000
#: File types an upload may have (the suffix of its name).
UPLOAD_SUFFIXES = TABULAR_SUFFIXES | (SPATIAL_SUFFIXES - {".shp"})
#: Limits on a zipped Shapefile, against zip bombs: members, bytes once unpacked, and the
#: largest compression ratio of any member (shapefiles compress about 3-10 times).
ZIP_MAX_MEMBERS = 20
ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
ZIP_MAX_RATIO = 100


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, layer, missing columns)."""


@dataclass
class RawRow:
    """One row or feature as read: 1-based number, values by lower-case header, geometry."""

    number: int
    values: dict
    geometry: object = None


@dataclass
class SourceReader:
    """Base of the readers: what the file holds, and its rows in chunks."""

    path: Path
    columns: list[str] = field(default_factory=list)
    crs: str | None = None
    total: int | None = None
    row_label: str = "Row"
    tabular: bool = True

    def chunks(self, size: int = CHUNK_SIZE) -> Iterator[list[RawRow]]:
        """Yield lists of at most `size` rows, in file order."""
        raise NotImplementedError

    def close(self):
        """Release the file."""


def _header(raw) -> str:
    return str(raw if raw is not None else "").strip().lstrip("\ufeff").lower()


class CsvReader(SourceReader):
    """CSV with a header row; the delimiter is the most frequent of `, ; TAB |` in it."""

    def __init__(self, path: Path):
        super().__init__(path)
        self._file = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        try:
            first = self._file.readline()
        except UnicodeDecodeError as exc:
            self._file.close()
            raise ImportFileError(_NOT_UTF8.format(name=path.name)) from exc
        if not first.strip():
            self._file.close()
            raise ImportFileError(f"{path.name} is empty: the first line must name the columns.")
        self.delimiter = max(",;\t|", key=first.count)
        self._file.seek(0)
        self._reader = csv.reader(self._file, delimiter=self.delimiter)
        self.columns = [_header(name) for name in next(self._reader)]
        self.total = None

    def chunks(self, size=CHUNK_SIZE):
        chunk, number = [], 1
        try:
            for record in self._reader:
                number += 1
                if not any(cell.strip() for cell in record):
                    continue
                chunk.append(RawRow(number, dict(zip(self.columns, record, strict=False))))
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"Row {number + 1}: " + _NOT_UTF8.format(name=self.path.name)
            ) from exc
        if chunk:
            yield chunk

    def close(self):
        self._file.close()


_NOT_UTF8 = "{name} is not UTF-8 text; save it as 'CSV UTF-8' and import it again."


class XlsxReader(SourceReader):
    """The first sheet (or the sheet named by `layer`) of a workbook; header in row 1."""

    def __init__(self, path: Path, layer: str | None = None):
        import openpyxl

        super().__init__(path)
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
            raise ImportFileError(f"{path.name} is not an XLSX workbook: {exc}") from exc
        if layer is not None and layer not in self._book.sheetnames:
            names = ", ".join(self._book.sheetnames)
            self._book.close()
            raise ImportFileError(f"Sheet {layer!r} not found in {path.name}; its sheets: {names}.")
        sheet = self._book[layer] if layer else self._book.worksheets[0]
        self._rows = sheet.iter_rows(values_only=True)
        header = next(self._rows, None)
        if not header or not any(header):
            self._book.close()
            raise ImportFileError(f"{path.name} is empty: row 1 must name the columns.")
        self.columns = [_header(name) for name in header]
        self.total = max(sheet.max_row - 1, 0) if sheet.max_row else None

    def chunks(self, size=CHUNK_SIZE):
        chunk = []
        for number, record in enumerate(self._rows, start=2):
            if not any(cell is not None and str(cell).strip() for cell in record):
                continue
            chunk.append(RawRow(number, dict(zip(self.columns, record, strict=False))))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def close(self):
        self._book.close()


class SpatialReader(SourceReader):
    """A GDAL vector layer read with pyogrio, `size` features at a time."""

    def __init__(self, path: Path, layer: str | None = None):
        super().__init__(path, row_label="Feature", tabular=False)
        self._source = str(path)
        if path.suffix.lower() == ".zip":
            self._source = self._zipped_shapefile(path)
        try:
            layers = [(str(name), kind) for name, kind in pyogrio.list_layers(self._source)]
        except Exception as exc:  # pyogrio raises several error types for unreadable files
            raise ImportFileError(
                f"{path.name} is not a spatial file GDAL can read ({SUPPORTED}): {exc}"
            ) from exc
        names = [name for name, _ in layers]
        if layer is not None and layer not in names:
            raise ImportFileError(
                f"Layer {layer!r} not found in {path.name}; its layers are: {', '.join(names)}."
            )
        if layer is None:
            layer = self._only_layer(path, names)
        self.layer = layer
        info = pyogrio.read_info(self._source, layer=layer, force_feature_count=True)
        self.columns = [_header(name) for name in info["fields"]]
        self._fields = list(info["fields"])
        self.total = int(info["features"])
        self.crs = info["crs"]
        self._transformer = None
        if self.crs:
            crs = CRS.from_user_input(self.crs)
            if crs.to_epsg() != 4326:
                self._transformer = Transformer.from_crs(crs, 4326, always_xy=True)

    def _only_layer(self, path, names):
        if len(names) == 1:
            return names[0]
        filled = [n for n in names if pyogrio.read_info(self._source, layer=n)["features"]]
        if len(filled) == 1:
            return filled[0]
        raise ImportFileError(
            f"{path.name} has several layers ({', '.join(names)}); choose one with --layer."
        )

    @staticmethod
    def _zipped_shapefile(path: Path) -> str:
        try:
            with zipfile.ZipFile(path) as archive:
                check_zip(path.name, archive.infolist())
                shapefiles = [n for n in archive.namelist() if n.lower().endswith(".shp")]
        except zipfile.BadZipFile as exc:
            raise ImportFileError(f"{path.name} is not a valid ZIP archive.") from exc
        if not shapefiles:
            raise ImportFileError(f"{path.name} holds no shapefile (.shp).")
        if len(shapefiles) > 1:
            raise ImportFileError(
                f"{path.name} holds several shapefiles ({', '.join(shapefiles)}); "
                "zip one layer per file."
            )
        return f"/vsizip/{path}/{shapefiles[0]}"

    def chunks(self, size=CHUNK_SIZE):
        done = 0
        while done < self.total:
            _meta, _fids, wkb, fields = pyogrio.raw.read(
                self._source, layer=self.layer, skip_features=done, max_features=size,
                force_2d=True,
            )
            count = len(fields[0]) if fields else (len(wkb) if wkb is not None else 0)
            if count == 0:
                break
            geometries = (
                shapely.from_wkb(wkb) if wkb is not None else np.full(count, None, dtype=object)
            )
            if self._transformer is not None:
                geometries = shapely.transform(
                    geometries, self._transformer.transform, interleaved=False
                )
            columns = [_native_list(values) for values in fields]
            names = self.columns
            rows = [
                RawRow(done + i + 1, dict(zip(names, cells, strict=True)), geometry)
                for i, (geometry, *cells) in enumerate(zip(geometries, *columns, strict=True))
            ]
            done += count
            yield rows


def check_upload(name: str, size: int):
    """Refuse an upload by its name's suffix or its size (`SIMPUL_MAX_UPLOAD_MB`)."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportFileError(
            f"{name}: unsupported file type {suffix or '(none)'}; use {SUPPORTED}."
        )
    limit_mb = settings.SIMPUL_MAX_UPLOAD_MB
    if size > limit_mb * 1024 * 1024:
        raise ImportFileError(
            f"{name} is {size / (1024 * 1024):.1f} MB; uploads are limited to {limit_mb} MB."
        )


MULTIPART_OVERHEAD = 64 * 1024


def check_request_size(content_length: int):
    """Refuse an upload request by its `Content-Length`, before any of its body is read.

    Django never reads past the declared length, so this also caps what is streamed to disk.
    The form's other fields and the multipart boundaries get `MULTIPART_OVERHEAD` bytes.
    """
    limit_mb = settings.SIMPUL_MAX_UPLOAD_MB
    if content_length > limit_mb * 1024 * 1024 + MULTIPART_OVERHEAD:
        raise ImportFileError(
            f"The upload is {content_length / (1024 * 1024):.1f} MB; uploads are limited to "
            f"{limit_mb} MB."
        )


def check_zip(name: str, members: list[zipfile.ZipInfo]):
    """Refuse a ZIP archive that is a bomb or escapes its folder, before reading it."""
    if len(members) > ZIP_MAX_MEMBERS:
        raise ImportFileError(
            f"{name} holds {len(members)} files; a zipped Shapefile may hold at most "
            f"{ZIP_MAX_MEMBERS}."
        )
    total = 0
    for member in members:
        parts = member.filename.replace("\\", "/").split("/")
        if member.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise ImportFileError(
                f"{name}: member {member.filename!r} has an absolute path or '..'; refused."
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > ZIP_MAX_RATIO:
            raise ImportFileError(
                f"{name}: member {member.filename!r} expands {ratio:.0f} times "
                f"(at most {ZIP_MAX_RATIO}); refused as a possible zip bomb."
            )
        total += member.file_size
    if total > ZIP_MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"{name} unpacks to {total / (1024 * 1024):.0f} MB; at most "
            f"{ZIP_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB."
        )


def _native_list(values) -> list:
    """A column read by pyogrio as plain Python values (`_native` of each, vectorised)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        cells = values.tolist()
        if values.dtype.kind == "f":
            return [None if cell != cell else cell for cell in cells]
        return cells
    return [value if value.__class__ is str else _native(value) for value in values]


def _native(value):
    """numpy scalars and NaN as plain Python values (None for missing)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def open_reader(path, layer: str | None = None) -> SourceReader:
    """A reader for the file, chosen by its suffix."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"File not found: {path}")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return CsvReader(path)
    if suffix == ".xlsx":
        return XlsxReader(path, layer)
    if suffix in SPATIAL_SUFFIXES:
        return SpatialReader(path, layer)
    raise ImportFileError(
        f"{path.name}: unsupported file type {suffix or '(none)'}; use {SUPPORTED}."
    )


def coordinate_columns(columns: list[str]) -> tuple[str, str] | str | None:
    """The (latitude, longitude) column pair, else the WKT column, else None."""
    lat = next((name for name in LATITUDE_NAMES if name in columns), None)
    lon = next((name for name in LONGITUDE_NAMES if name in columns), None)
    if lat and lon:
        return lat, lon
    return next((name for name in WKT_NAMES if name in columns), None)

