"""Upload limits of the importer: file type, size, and zipped Shapefiles that are zip bombs or
escape their folder (`..`, absolute paths) — each refused with an exact message, nothing
written."""

import random
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from inventory.io import readers
from inventory.io.importer import import_file
from inventory.models import Hotspot

pytestmark = pytest.mark.django_db

CSV = b"name,operator,site_type,lat,lon\nTaman,Diskominfo,taman,-7.47,112.43\n"


def make_zip(path, members: dict[str, bytes]):
    """A deflated ZIP archive with `members` (name → content)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def file_errors(report) -> list[str]:
    return [issue.message for issue in report.errors]


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("editor-upload", password="x")
    group, _ = Group.objects.get_or_create(name="editor")
    user.groups.add(group)
    client.force_login(user)
    return client


def test_an_unknown_file_type_is_refused(editor_client):
    upload = SimpleUploadedFile("wifi.exe", b"MZ\x90\x00")
    response = editor_client.post("/api/import/hotspots/", {"file": upload})
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "wifi.exe: unsupported file type .exe; use CSV, XLSX, GeoJSON, GeoPackage, zipped "
        "Shapefile, KML."
    ]


@override_settings(SIMPUL_MAX_UPLOAD_MB=1)
def test_a_request_over_the_size_limit_is_refused_by_its_content_length(editor_client):
    upload = SimpleUploadedFile("besar.csv", CSV + b"#" * (1536 * 1024))
    response = editor_client.post("/api/import/hotspots/", {"file": upload})
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "The upload is 1.5 MB; uploads are limited to 1 MB."
    ]
    assert Hotspot.objects.count() == 0


@override_settings(SIMPUL_MAX_UPLOAD_MB=1)
def test_a_declared_200_mb_body_is_refused_before_it_is_read(editor_client, monkeypatch):
    """#14 item 7: the refusal comes from the header; the multipart body is never parsed."""
    from rest_framework.parsers import MultiPartParser

    def parse(*args, **kwargs):
        raise AssertionError("the body was read")

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    upload = SimpleUploadedFile("besar.csv", CSV)
    response = editor_client.post("/api/import/hotspots/", {"file": upload},
                                  CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "The upload is 200.0 MB; uploads are limited to 1 MB."
    ]


@override_settings(SIMPUL_MAX_UPLOAD_MB=1)
def test_a_file_over_the_size_limit_is_refused(editor_client):
    """A file just over the limit, inside the allowance for the form's other parts."""
    upload = SimpleUploadedFile("besar.csv", CSV + b"#" * (1024 * 1024))
    response = editor_client.post("/api/import/hotspots/", {"file": upload})
    assert response.status_code == 400
    assert [e["message"] for e in response.json()["errors"]] == [
        "besar.csv is 1.0 MB; uploads are limited to 1 MB."
    ]
    assert Hotspot.objects.count() == 0


def test_size_limit_comes_from_the_setting():
    with override_settings(SIMPUL_MAX_UPLOAD_MB=2):
        readers.check_upload("ok.csv", 2 * 1024 * 1024)
        with pytest.raises(readers.ImportFileError, match="limited to 2 MB"):
            readers.check_upload("big.csv", 2 * 1024 * 1024 + 1)


@pytest.mark.parametrize("member", ["../wifi.shp", "data/../../wifi.shp", "/tmp/wifi.shp",
                                    "C:/wifi.shp", "..\\wifi.shp"])
def test_members_escaping_the_folder_are_refused(tmp_path, member):
    path = make_zip(tmp_path / "wifi.zip", {member: b"x", "wifi.dbf": b"x"})
    report = import_file("hotspots", path)
    assert file_errors(report) == [
        f"wifi.zip: member {member!r} has an absolute path or '..'; refused."
    ]


def test_a_zip_bomb_is_refused(tmp_path):
    path = make_zip(tmp_path / "wifi.zip", {"wifi.shp": b"\0" * (20 * 1024 * 1024)})
    ratio = 20 * 1024 * 1024 / zipfile.ZipFile(path).getinfo("wifi.shp").compress_size
    report = import_file("hotspots", path)
    assert file_errors(report) == [
        f"wifi.zip: member 'wifi.shp' expands {ratio:.0f} times (at most 100); refused as a "
        "possible zip bomb."
    ]


def test_too_many_members_are_refused(tmp_path):
    path = make_zip(tmp_path / "wifi.zip", {f"part{i}.txt": b"x" for i in range(21)})
    report = import_file("hotspots", path)
    assert file_errors(report) == [
        "wifi.zip holds 21 files; a zipped Shapefile may hold at most 20."
    ]


def test_too_much_unpacked_data_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "ZIP_MAX_UNCOMPRESSED_BYTES", 3 * 1024 * 1024)
    noise = random.Random(1).randbytes(2 * 1024 * 1024)  # incompressible
    make_zip(tmp_path / "wifi.zip", {"wifi.shp": noise, "wifi.dbf": noise})
    report = import_file("hotspots", tmp_path / "wifi.zip")
    assert file_errors(report) == ["wifi.zip unpacks to 4 MB; at most 3 MB."]
