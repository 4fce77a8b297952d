"""API views: `POST /api/import/<layer>/` (editors) and `GET /api/export/<layer>.<format>`.

Import takes a multipart upload (`file`, optional `dry_run`, `update`, `layer`, `crs`) and
answers with the import report as JSON: 200 when the file was accepted (or would be, in a
dry run), 400 with every error when it was refused. Export streams a file; anonymous users
get the public version (no internal notes, no technical details of sensitive fiber).
"""

import datetime
import tempfile
from dataclasses import replace
from pathlib import Path

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import Role, can_see_internal
from inventory.io.exporters import FORMATS, ExportError, export_layer, exportable
from inventory.io.importer import ImportReport, import_file
from inventory.io.readers import ImportFileError, check_request_size, check_upload
from inventory.io.schema import LAYERS
from inventory.io.validation import Issue


def is_editor(user, model) -> bool:
    """Users in the `editor` group, or with the model's add permission, may import."""
    if user is None or not user.is_authenticated:
        return False
    opts = model._meta
    return (user.groups.filter(name=Role.EDITOR).exists()
            or user.has_perm(f"{opts.app_label}.add_{opts.model_name}"))


def _layer(key: str):
    if key not in LAYERS:
        raise NotFound(_("Lapisan tidak dikenal: %(layer)s.") % {"layer": key})
    return LAYERS[key]


class CanImport(BasePermission):
    """Editors of the layer named in the URL."""

    def has_permission(self, request, view):
        spec = LAYERS.get(view.kwargs.get("layer"))
        return spec is None or is_editor(request.user, spec.model)


def _flag(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "ya"}


def run_upload(layer: str, upload, *, user, dry_run: bool, update: bool,
               source_layer: str | None = None, crs: str | None = None):
    """Save an uploaded file to a temporary path (keeping its suffix) and import it.

    A file of another type, or larger than `SIMPUL_MAX_UPLOAD_MB`, is refused with a report
    naming the reason, before anything is written to disk.
    """
    try:
        check_upload(upload.name, upload.size)
    except ImportFileError as exc:
        report = ImportReport(layer=layer, file=upload.name, dry_run=dry_run, update=update)
        report.add_errors([Issue("File", None, None, str(exc))])
        return report
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with open(path, "wb") as out:
            for part in upload.chunks():
                out.write(part)
        report = import_file(layer, path, dry_run=dry_run, update=update,
                             sheet_or_layer=source_layer or None, crs=crs or None, user=user,
                             display_name=upload.name)
    return without_server_path(report, path, upload.name)


def without_server_path(report: ImportReport, path: Path, name: str) -> ImportReport:
    """The report with the server's temporary path of the upload (which GDAL and the readers
    quote) replaced by the name the user uploaded."""

    def clean(issue: Issue) -> Issue:
        text = issue.message.replace(str(path), name).replace(str(path.parent), "")
        return replace(issue, message=text.replace(path.name, name))

    report.errors = [clean(issue) for issue in report.errors]
    report.warnings = [clean(issue) for issue in report.warnings]
    return report


class ImportUpload(serializers.Serializer):
    """The multipart form of an import (documentation of the request body)."""

    file = serializers.FileField(help_text="CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile "
                                           "or KML")
    dry_run = serializers.BooleanField(required=False, default=False)
    update = serializers.BooleanField(required=False, default=False,
                                      help_text="update existing records by external_id")
    layer = serializers.CharField(required=False, help_text="layer or sheet to read")
    crs = serializers.CharField(required=False, help_text="CRS of a file that declares none")


class ImportView(APIView):
    """Import a file into a layer (all or nothing); the report is the response."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [CanImport]

    @extend_schema(
        parameters=[OpenApiParameter("layer", OpenApiTypes.STR, OpenApiParameter.PATH,
                                     enum=sorted(LAYERS), description="Layer to import into")],
        request={"multipart/form-data": ImportUpload},
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="import report"),
                   400: OpenApiResponse(OpenApiTypes.OBJECT, description="every error")},
    )
    def post(self, request, layer):
        _layer(layer)
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            check_request_size(int(length) if length.isdigit() else 0)
        except ImportFileError as exc:
            report = ImportReport(layer=layer, file="", dry_run=False, update=False)
            report.add_errors([Issue("File", None, None, str(exc))])
            return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Unggah berkas pada kolom 'file'.")]})
        report = run_upload(
            layer, upload, user=request.user, dry_run=_flag(request.data.get("dry_run")),
            update=_flag(request.data.get("update")),
            source_layer=request.data.get("layer"), crs=request.data.get("crs"),
        )
        code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        return Response(report.as_dict(), status=code)


class ExportView(APIView):
    """Download a layer: `?area=<code>` limits it to an area, `?as_of=YYYY-MM-DD` to what
    was in service on that date."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("layer", OpenApiTypes.STR, OpenApiParameter.PATH,
                             enum=sorted(LAYERS), description="Layer to export"),
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH,
                             enum=sorted(FORMATS), description="File format"),
            OpenApiParameter("area", OpenApiTypes.STR, description="area code (any level)"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="in service on this date"),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, layer, fmt):
        spec = _layer(layer)
        if fmt not in FORMATS or not exportable(layer, fmt):
            raise NotFound(_("Format %(fmt)s tidak tersedia untuk %(layer)s.")
                           % {"fmt": fmt, "layer": layer})
        as_of = None
        if request.query_params.get("as_of"):
            try:
                as_of = datetime.date.fromisoformat(request.query_params["as_of"])
            except ValueError:
                raise ValidationError(
                    {"as_of": [_("Tanggal harus berformat YYYY-MM-DD.")]}
                ) from None
        public = not can_see_internal(request.user, spec.model)
        suffix, content_type = FORMATS[fmt]
        handle = tempfile.NamedTemporaryFile(suffix=suffix)  # noqa: SIM115 (closed by response)
        try:
            export_layer(layer, fmt, handle.name, area=request.query_params.get("area"),
                         as_of=as_of, public=public)
        except ExportError as exc:
            handle.close()
            raise ValidationError({"detail": [str(exc)]}) from exc
        name = f"{layer}{'-osm' if fmt == 'osm' else ''}{'-ofds' if fmt == 'ofds' else ''}"
        response = FileResponse(open(handle.name, "rb"), as_attachment=True,  # noqa: SIM115
                                filename=f"{name}{suffix}", content_type=content_type)
        handle.close()
        return response
