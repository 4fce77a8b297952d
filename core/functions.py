"""Thin wrappers for PostGIS expressions Django lacks, all measured in metres.

Lengths and areas are computed in the projected analysis CRS (`SIMPUL_ANALYSIS_SRID`), never
in degrees.
"""

from django.conf import settings
from django.contrib.gis.db.models import FloatField, Func, GeometryField, Value


class TransformToAnalysis(Func):
    """ST_Transform(geom, analysis SRID): geometry in metres."""

    function = "ST_Transform"
    output_field = GeometryField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(settings.SIMPUL_ANALYSIS_SRID), **extra)


class AreaM2(Func):
    """Area in square metres, measured in the analysis CRS."""

    function = "ST_Area"
    output_field = FloatField()

    def __init__(self, expression, **extra):
        super().__init__(TransformToAnalysis(expression), **extra)


class LengthM(Func):
    """Length in metres, measured in the analysis CRS."""

    function = "ST_Length"
    output_field = FloatField()

    def __init__(self, expression, **extra):
        super().__init__(TransformToAnalysis(expression), **extra)


class AsGeography(Func):
    """Cast a geometry to geography, for measures on the spheroid."""

    template = "(%(expressions)s)::geography"
    output_field = GeometryField(geography=True)


class GeographyDistance(Func):
    """Geodesic distance in metres between two SRID-4326 geometries (on the spheroid)."""

    function = "ST_Distance"
    output_field = FloatField()

    def __init__(self, left, right, **extra):
        super().__init__(AsGeography(left), AsGeography(right), **extra)


class KNNDistance(Func):
    """`a <-> b`: the index-assisted distance operator, for ORDER BY in nearest queries."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = FloatField()


class Simplify(Func):
    """ST_Simplify(geom, tolerance): lighter geometry for map display only.

    Rings and polygons smaller than the tolerance are dropped (NULL when nothing is left), so
    sliver holes vanish; the result may be invalid, which is fine for drawing.
    """

    function = "ST_Simplify"
    output_field = GeometryField()


class PointX(Func):
    """ST_X(point): longitude of a SRID-4326 point."""

    function = "ST_X"
    output_field = FloatField()


class PointY(Func):
    """ST_Y(point): latitude of a SRID-4326 point."""

    function = "ST_Y"
    output_field = FloatField()
