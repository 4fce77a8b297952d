"""Exporters: a layer of the registry → GeoJSON, CSV, XLSX, GeoPackage, zipped Shapefile, KML,
OpenStreetMap-tagged GeoJSON (hotspots) or Open Fibre Data Standard GeoJSON (fiber).

Every tabular/GIS format carries the same columns as the import schema (schema.py), so an
export imports back unchanged. `public=True` leaves out internal fields (notes) and, for
records marked `is_sensitive`, their technical details (inventory/sensitivity.py).
"""

import csv
import datetime
import json
import tempfile
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.conf import settings
from django.utils import timezone

from core.codes import normalize_code
from geo.models import AdminArea

from ..choices import Deployment, FiberNodeType
from ..sensitivity import hidden_fields
from .schema import Column, Kind, LayerSpec, get_layer

FORMATS = {
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv; charset=utf-8"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "shp": (".zip", "application/zip"),
    "kml": (".kml", "application/vnd.google-earth.kml+xml"),
    "osm": (".geojson", "application/geo+json"),
    "ofds": (".geojson", "application/geo+json"),
}
COORDINATE_DECIMALS = 7

OFDS_SCHEMA_URL = "https://standard.ofds.info/en/0__4__0/network-schema.json"
OFDS_CRS = {"name": "urn:ogc:def:crs:OGC::CRS84",
            "uri": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
# FiberNodeType → OFDS nodeType (open codelist; closures and building entries have no code).
OFDS_NODE_TYPES = {
    FiberNodeType.DATA_CENTRE: "dataCentre",
    FiberNodeType.POP: "pop",
    FiberNodeType.ODC: "cabinet",
    FiberNodeType.ODP: "aggregationPoint",
    FiberNodeType.SPLICE_CLOSURE: "spliceClosure",
    FiberNodeType.BUILDING_ENTRY: "buildingEntry",
}
OFDS_DEPLOYMENT = {
    Deployment.UNDERGROUND: "belowGround",
    Deployment.DUCT: "belowGround",
    Deployment.AERIAL: "aboveGround",
}


class ExportError(Exception):
    """The export asked for cannot be made (format/layer mismatch, unknown area)."""


def export_queryset(spec: LayerSpec, area: str | None = None,
                    as_of: datetime.date | None = None):
    """The records of a layer, optionally in one area (any level) and in service on a date."""
    queryset = spec.model.objects.all()
    if area:
        try:
            area_obj = AdminArea.objects.get(code=normalize_code(area))
        except (ValueError, AdminArea.DoesNotExist):
            raise ExportError(f"Unknown area code {area!r}.") from None
        if spec.is_point:
            queryset = queryset.in_area(area_obj.code)
        else:
            queryset = queryset.filter(route__intersects=area_obj.geom)
    if as_of:
        queryset = queryset.in_service(as_of)
    related = [c.name for c in spec.columns if c.kind is Kind.REFERENCE]
    if spec.is_point:
        related.append("area")
    return queryset.select_related(*related).order_by("pk")


def export_layer(layer: str, fmt: str, dest, *, area: str | None = None,
                 as_of: datetime.date | None = None, public: bool = False) -> int:
    """Write `layer` in format `fmt` to the path `dest`; return the number of records."""
    spec = get_layer(layer)
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    if fmt == "osm" and layer != "hotspots":
        raise ExportError("The OpenStreetMap format is for hotspots only.")
    if fmt == "ofds" and layer not in ("fiber-nodes", "fiber-links"):
        raise ExportError("The OFDS format is for fiber-nodes and fiber-links only.")
    queryset = export_queryset(spec, area, as_of)
    dest = Path(dest)
    if fmt == "osm":
        return _write_osm(queryset.working(as_of), dest)
    if fmt == "ofds":
        return _write_geojson_features(dest, ofds_features(layer, queryset, public))
    writer = {"geojson": _write_geojson, "csv": _write_csv, "xlsx": _write_xlsx,
              "gpkg": _write_ogr, "shp": _write_ogr, "kml": _write_ogr}[fmt]
    return writer(spec, queryset, dest, public=public, fmt=fmt)


# --- records ---------------------------------------------------------------------------


def records(spec: LayerSpec, queryset, public: bool = False):
    """(columns, iterator of (values by column name, shapely geometry)) of the queryset."""
    columns = spec.export_columns(public)

    def rows():
        for obj in queryset.iterator(chunk_size=2000):
            hide = hidden_fields(obj, public=public)
            values = {}
            for column in columns:
                if column.name in hide:
                    values[column.name] = None
                else:
                    values[column.name] = _value(obj, column)
            geometry = getattr(obj, spec.geometry_field)
            yield values, shapely.from_wkb(bytes(geometry.wkb))

    return columns, rows()


def _value(obj, column: Column):
    if column.kind is Kind.REFERENCE:
        target = getattr(obj, column.name)
        return target.external_id if target is not None else ""
    if column.name == "area_code":
        return obj.area.code
    value = getattr(obj, column.name)
    if column.kind is Kind.POLYGON_WKT:
        return value.wkt if value is not None else ""
    return value


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix a text value that a spreadsheet would run as a formula with an apostrophe.

    Only strings are touched: numbers (a negative latitude) stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _geometry_json(geometry) -> dict:
    rounded = shapely.set_precision(geometry, 10 ** -COORDINATE_DECIMALS)
    return json.loads(shapely.to_geojson(rounded))


# --- formats ---------------------------------------------------------------------------


def _write_geojson_features(dest: Path, features) -> int:
    """Stream an RFC 7946 FeatureCollection (lon/lat, EPSG:4326) feature by feature."""
    count = 0
    with open(dest, "w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for feature in features:
            out.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            count += 1
        out.write("]}\n")
    return count


def _write_geojson(spec, queryset, dest, *, public, fmt):
    columns, rows = records(spec, queryset, public)
    features = (
        {"type": "Feature", "geometry": _geometry_json(geometry),
         "properties": {k: _json_value(v) for k, v in values.items()}}
        for values, geometry in rows
    )
    return _write_geojson_features(dest, features)


def _location_headers(spec):
    return ["latitude", "longitude"] if spec.is_point else ["wkt"]


def _location_values(spec, geometry):
    if spec.is_point:
        return [geometry.y, geometry.x]
    return [geometry.wkt]


def _write_csv(spec, queryset, dest, *, public, fmt):
    """CSV in UTF-8 with a BOM (so Excel reads it), comma-separated, dot decimals."""
    columns, rows = records(spec, queryset, public)
    count = 0
    with open(dest, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.name for c in columns] + _location_headers(spec))
        for values, geometry in rows:
            writer.writerow([_text(neutralise_formula(values[c.name])) for c in columns]
                            + [_text(v) for v in _location_values(spec, geometry)])
            count += 1
    return count


def _write_xlsx(spec, queryset, dest, *, public, fmt):
    import openpyxl

    columns, rows = records(spec, queryset, public)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(spec.key)
    sheet.append([c.name for c in columns] + _location_headers(spec))
    count = 0
    for values, geometry in rows:
        cells = []
        for column in columns:
            value = values[column.name]
            cells.append(float(value) if isinstance(value, Decimal)
                         else neutralise_formula(value))
        sheet.append(cells + _location_values(spec, geometry))
        count += 1
    book.save(dest)
    return count


def _frame(spec, queryset, public, short_names=False, date_text=False):
    columns, rows = records(spec, queryset, public)
    data = {c.name: [] for c in columns}
    geometries = []
    for values, geometry in rows:
        for column in columns:
            value = values[column.name]
            if isinstance(value, Decimal):
                value = float(value)
            data[column.name].append(value)
        geometries.append(geometry)
    frame = pd.DataFrame(data)
    if short_names:
        # dBASE text holds 254 characters: a surveyed coverage polygon does not fit.
        frame = frame.drop(columns=[c.name for c in columns if c.kind is Kind.POLYGON_WKT])
        columns = [c for c in columns if c.kind is not Kind.POLYGON_WKT]
    for column in columns:
        if column.kind is Kind.DATE and date_text:
            frame[column.name] = [_text(v) or None for v in frame[column.name]]
        elif column.kind is Kind.DATE:
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ms]")
        elif column.kind in (Kind.INTEGER, Kind.DECIMAL) or column.name == "length_m":
            frame[column.name] = frame[column.name].astype("float64")
    if short_names:
        frame = frame.rename(columns={c.name: c.short for c in columns})
    return gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")


def _write_ogr(spec, queryset, dest, *, public, fmt):
    """GeoPackage, KML, or a shapefile zipped with its .shx/.dbf/.prj/.cpg."""
    frame = _frame(spec, queryset, public, short_names=fmt == "shp", date_text=fmt == "shp")
    if fmt == "gpkg":
        pyogrio.write_dataframe(frame, dest, layer=spec.key.replace("-", "_"), driver="GPKG")
    elif fmt == "kml":
        pyogrio.write_dataframe(frame, dest, layer=spec.key.replace("-", "_"), driver="KML")
    else:
        with tempfile.TemporaryDirectory() as folder:
            name = spec.key.replace("-", "_")
            pyogrio.write_dataframe(frame, Path(folder) / f"{name}.shp",
                                    driver="ESRI Shapefile", encoding="UTF-8")
            with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
                for part in sorted(Path(folder).iterdir()):
                    archive.write(part, part.name)
    return len(frame)


# --- OpenStreetMap ---------------------------------------------------------------------


def osm_tags(hotspot) -> dict:
    """OpenStreetMap tags of a free-wifi hotspot (empty values left out)."""
    tags = {
        "name": hotspot.name,
        "internet_access": "wlan",
        "internet_access:fee": "no" if hotspot.is_free else "yes",
        "internet_access:ssid": hotspot.ssid,
        "operator": hotspot.operator,
        "opening_hours": hotspot.opening_hours,
        "ref": hotspot.external_id,
        "check_date": hotspot.last_verified_on.isoformat() if hotspot.last_verified_on else "",
    }
    return {key: value for key, value in tags.items() if value}


def _write_osm(queryset, dest):
    features = (
        {"type": "Feature", "geometry": _geometry_json(shapely.from_wkb(bytes(h.geom.wkb))),
         "properties": osm_tags(h)}
        for h in queryset.iterator(chunk_size=2000)
    )
    return _write_geojson_features(dest, features)


# --- Open Fibre Data Standard ----------------------------------------------------------


def ofds_network() -> dict:
    """The OFDS `network` object shared by every node and span feature."""
    name = getattr(settings, "SIMPUL_OFDS_NETWORK_NAME", "Jaringan serat optik pemerintah daerah")
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"simpul:ofds:{name}")),
        "name": name,
        "links": [{"rel": "describedby", "href": OFDS_SCHEMA_URL}],
        "crs": dict(OFDS_CRS),
        "publicationDate": timezone.localdate().isoformat(),
    }


def ofds_node_id(node) -> str:
    """The OFDS id of a node: its external_id, else a stable id from its primary key."""
    return node.external_id or f"simpul-node-{node.pk}"


def _organisation(name: str) -> dict:
    return {"id": f"org-{uuid.uuid5(uuid.NAMESPACE_URL, 'simpul:org:' + name).hex[:12]}",
            "name": name}


def ofds_node(node, public: bool = False) -> dict:
    """An OFDS Node (JSON package form, location included)."""
    data = {"id": ofds_node_id(node), "name": node.name, "status": node.status,
            "location": _geometry_json(shapely.from_wkb(bytes(node.geom.wkb)))}
    if "node_type" not in hidden_fields(node, public=public):
        data["type"] = [OFDS_NODE_TYPES[node.node_type]]
    if node.owner:
        data["transmissionMediumOwner"] = _organisation(node.owner)
    if node.operator:
        data["networkProviders"] = [_organisation(node.operator)]
    return data


def ofds_span(link, public: bool = False) -> dict:
    """An OFDS Span (JSON package form: start/end are node ids)."""
    data = {
        "id": link.external_id or f"simpul-span-{link.pk}",
        "name": link.name, "status": link.status,
        "start": ofds_node_id(link.start_node), "end": ofds_node_id(link.end_node),
        "directed": False,
        "route": _geometry_json(shapely.from_wkb(bytes(link.route.wkb))),
        "transmissionMedium": ["fibre"],
        "fibreLength": round(link.length_m / 1000, 3),
    }
    hide = hidden_fields(link, public=public)
    if "deployment" not in hide:
        data["deployment"] = [OFDS_DEPLOYMENT[link.deployment]]
    if link.installed_on:
        data["readyForServiceDate"] = link.installed_on.isoformat()
    if link.fibre_count is not None and "fibre_count" not in hide:
        data["fibreCount"] = link.fibre_count
    if link.capacity_gbps is not None and "capacity_gbps" not in hide:
        data["capacity"] = float(link.capacity_gbps)
    if link.owner:
        data["transmissionMediumOwner"] = _organisation(link.owner)
    if link.operator:
        data["networkProviders"] = [_organisation(link.operator)]
    return data


def _organisations_of(items) -> list[dict]:
    found = {}
    for item in items:
        for org in [item.get("transmissionMediumOwner"), *item.get("networkProviders", [])]:
            if org:
                found[org["id"]] = org
    return sorted(found.values(), key=lambda org: org["id"])


def ofds_package(nodes, links, public: bool = False) -> dict:
    """An OFDS 0.4 network package (JSON) of these nodes and spans."""
    network = ofds_network()
    node_data = [ofds_node(n, public) for n in nodes]
    span_data = [ofds_span(s, public) for s in links]
    if node_data:
        network["nodes"] = node_data
    if span_data:
        network["spans"] = span_data
    organisations = _organisations_of(node_data + span_data)
    if organisations:
        network["organisations"] = organisations
    return {"networks": [network]}


def ofds_features(layer: str, queryset, public: bool = False):
    """OFDS GeoJSON features: nodes, or spans with their start/end nodes embedded."""
    network = ofds_network()
    if layer == "fiber-nodes":
        for node in queryset.iterator(chunk_size=2000):
            data = ofds_node(node, public)
            yield {"type": "Feature", "geometry": data.pop("location"),
                   "properties": {**data, "network": network, "featureType": "node"}}
        return
    for link in queryset.select_related("start_node", "end_node").iterator(chunk_size=2000):
        data = ofds_span(link, public)
        data["start"] = ofds_node(link.start_node, public)
        data["end"] = ofds_node(link.end_node, public)
        yield {"type": "Feature", "geometry": data.pop("route"),
               "properties": {**data, "network": network, "featureType": "span"}}


def exportable(layer: str, fmt: str) -> bool:
    """Whether this layer can be exported in this format."""
    if fmt == "osm":
        return layer == "hotspots"
    if fmt == "ofds":
        return layer in ("fiber-nodes", "fiber-links")
    return fmt in FORMATS

