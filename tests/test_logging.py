"""Server errors leave a trace: every 500 is logged to the console as one JSON line with its
traceback, while the client sees no detail; error texts never show a server path."""

import io
import json
import logging

import pytest
from django.test import Client

from inventory.api.views.assets import HotspotViewSet
from tests.api_support import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the console handler writes, as text."""
    handler = logging.getLogger("django").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_the_console_handler_writes_json_lines():
    handler = logging.getLogger("django").handlers[0]
    assert handler in logging.getLogger().handlers  # one handler, root and django alike
    record = logging.LogRecord("simpul", logging.WARNING, __file__, 1, "Kota %s", ("Mojokerto",),
                               None)
    line = json.loads(handler.format(record))
    assert {k: line[k] for k in ("level", "logger", "message")} == {
        "level": "WARNING", "logger": "simpul", "message": "Kota Mojokerto"}


def test_a_server_error_is_logged_with_its_traceback(console, monkeypatch):
    def fail(self, request, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(HotspotViewSet, "list", fail)
    response = Client(raise_request_exception=False).get("/api/hotspots/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "RuntimeError" not in body and "Traceback" not in body and "/work" not in body
    lines = [json.loads(line) for line in console.getvalue().splitlines()]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert len(errors) == 1
    error = errors[0]
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /api/hotspots/"
    assert error["status_code"] == 500
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert error["exc_info"].endswith("RuntimeError: the database went away")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("titik.geojson", b"{", "'titik.geojson' not recognized as being in a supported file "
                            "format."),
    ("titik.kml", b"<kml", "ERROR parsing kml titik.kml :unclosed token on line 1 at offset 0"),
])
def test_an_import_error_names_the_upload_not_the_server_path(role_users, name, content,
                                                               message):
    upload = io.BytesIO(content)
    upload.name = name
    response = client_for(role_users["editor"]).post("/api/import/hotspots/", {"file": upload},
                                                     format="multipart")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["message"].startswith(
        f"{name} is not a spatial file GDAL can read (CSV, XLSX, GeoJSON, GeoPackage, zipped "
        "Shapefile, KML): ")
    assert message in error["message"]
    assert "/tmp" not in response.content.decode() and "upload." not in response.content.decode()
