"""Roles on the API: every write endpoint for every role, tokens, sessions, throttling."""

import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from geo.models import AdminArea
from inventory.models import FiberNode, Hotspot
from tests.api_support import ROLE_NAMES, client_for, if_match, token_client
from tests.factories import lonlat, make_facility, make_hotspot, make_link, make_node

pytestmark = pytest.mark.django_db


def point(dx, dy):
    return {"type": "Point", "coordinates": list(lonlat(dx, dy))}


def line(a, b):
    return {"type": "LineString", "coordinates": [list(lonlat(*a)), list(lonlat(*b))]}


def cell(col):
    """The 1 km square `col` km east of ORIGIN (the grid of `two_kelurahan`) as GeoJSON."""
    x0, x1 = col * 1000, (col + 1) * 1000
    ring = [lonlat(x0, 0), lonlat(x1, 0), lonlat(x1, 1000), lonlat(x0, 1000), lonlat(x0, 0)]
    return {"type": "Polygon", "coordinates": [[list(corner) for corner in ring]]}


def bodies(nodes=None):
    """A valid full body per endpoint (for POST and PUT)."""
    start, end = (nodes[0].pk, nodes[1].pk) if nodes else (None, None)
    return {
        "hotspots": {"type": "Feature", "geometry": point(300, 300),
                     "properties": {"name": "Baru", "operator": "Diskominfo",
                                    "site_type": "taman"}},
        "facilities": {"type": "Feature", "geometry": point(300, 300),
                       "properties": {"name": "Baru", "facility_type": "puskesmas"}},
        "fiber-nodes": {"type": "Feature", "geometry": point(300, 300),
                        "properties": {"name": "Baru", "node_type": "odp"}},
        "fiber-links": {"type": "Feature", "geometry": line((100, 100), (900, 100)),
                        "properties": {"name": "Baru", "start_node": start, "end_node": end}},
        "areas": {"type": "Feature", "id": "35.76.01.1003", "geometry": cell(2),
                  "properties": {"name": "Baru"}},
    }


def put_body(endpoint, nodes):
    """A valid full body for PUT; an area keeps its code (taken from the URL) and place."""
    if endpoint == "areas":
        return {"type": "Feature", "geometry": cell(1), "properties": {"name": "Baru"}}
    return bodies(nodes)[endpoint]


def detail_url(endpoint, nodes):
    """A record of the endpoint that can be changed and deleted."""
    pk = {
        "hotspots": lambda: make_hotspot(200, 200).pk,
        "facilities": lambda: make_facility(200, 200).pk,
        "fiber-nodes": lambda: make_node(200, 200).pk,  # no link uses it
        "fiber-links": lambda: make_link(nodes[0], nodes[1]).pk,
        # The east kelurahan: nothing lies in it, so it can be deleted.
        "areas": lambda: "35.76.01.1002",
    }[endpoint]()
    return f"/api/{endpoint}/{pk}/"


INVENTORY = ["hotspots", "facilities", "fiber-nodes", "fiber-links"]
#: Editors and admins write the registry and the areas (geo 0007); nobody else does.
ENDPOINTS = [*INVENTORY, "areas"]
WRITES = {"post": 201, "put": 200, "patch": 200, "delete": 204}
EXPECTED = {}
for _endpoint in ENDPOINTS:
    for _method, _ok in WRITES.items():
        EXPECTED[(_endpoint, _method, "anonymous")] = 401
        EXPECTED[(_endpoint, _method, "user")] = 403
        EXPECTED[(_endpoint, _method, "assessor")] = 403
        EXPECTED[(_endpoint, _method, "editor")] = _ok
        EXPECTED[(_endpoint, _method, "admin")] = _ok


@pytest.mark.parametrize(("endpoint", "method", "role"), sorted(EXPECTED))
def test_write_permissions(two_kelurahan, role_users, endpoint, method, role):
    nodes = [make_node(100, 100, name="A"), make_node(900, 100, name="B")]
    api = client_for(role_users[role])
    if method == "post":
        response = api.post(f"/api/{endpoint}/", bodies(nodes)[endpoint], format="json")
    else:
        url = detail_url(endpoint, nodes)
        body = put_body(endpoint, nodes) if method == "put" else {"properties": {"name": "X"}}
        response = getattr(api, method)(url, body, format="json", **if_match(api, url))
    assert response.status_code == EXPECTED[(endpoint, method, role)], response.content


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_everyone_reads(two_kelurahan, role_users, endpoint, role):
    assert client_for(role_users[role]).get(f"/api/{endpoint}/").status_code == 200


def test_anonymous_write_says_how_to_authenticate(two_kelurahan):
    response = APIClient().post("/api/hotspots/", {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_deleting_a_node_still_used_by_a_link_is_409(two_kelurahan, role_users):
    a, b = make_node(100, 100, name="A"), make_node(900, 100, name="B")
    make_link(a, b, name="Span 1")
    api = client_for(role_users["editor"])
    url = f"/api/fiber-nodes/{a.pk}/"
    response = api.delete(url, **if_match(api, url))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Tidak dapat dihapus karena masih dipakai oleh: Span 1."
    }
    assert FiberNode.objects.filter(pk=a.pk).exists()


def test_deleting_an_area_with_assets_in_it_is_409(two_kelurahan, role_users):
    make_node(100, 100, name="A"), make_node(900, 100, name="B")
    api = client_for(role_users["editor"])
    url = "/api/areas/35.76.01.1001/"
    response = api.delete(url, **if_match(api, url))
    assert response.status_code == 409
    assert response.json() == {"detail": (
        "Kelurahan Barat (35.76.01.1001) masih memiliki 2 node serat optik; pindahkan atau "
        "hapus terlebih dahulu.")}
    assert AdminArea.objects.filter(code="35.76.01.1001").exists()


def test_token_authentication_for_scripts(two_kelurahan, role_users):
    api = token_client(role_users["editor"])
    body = bodies()["hotspots"]
    assert api.post("/api/hotspots/", body, format="json").status_code == 201
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.post("/api/hotspots/", body, format="json").status_code == 401


def test_session_authentication_enforces_csrf(two_kelurahan, role_users):
    api = APIClient(enforce_csrf_checks=True)
    assert api.login(username="u-editor", password="x")
    body = bodies()["hotspots"]
    response = api.post("/api/hotspots/", body, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert Hotspot.objects.count() == 0
    assert api.get("/api/hotspots/").status_code == 200


def test_anonymous_requests_are_throttled(two_kelurahan, role_users, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    anonymous = APIClient()
    assert [anonymous.get("/api/hotspots/").status_code for _ in range(4)] == [200] * 3 + [429]
    assert int(anonymous.get("/api/areas/")["Retry-After"]) <= 60
    editor = client_for(role_users["editor"])
    assert [editor.get("/api/hotspots/").status_code for _ in range(5)] == [200] * 5


def test_a_malformed_throttle_rate_stops_start_up():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"DEBUG": "true", "SIMPUL_API_ANON_RATE": "lots", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        "SIMPUL_API_ANON_RATE must look like 300/min, 20/s, 5000/hour or 10000/day (or be "
        "empty for no limit); got 'lots'." in result.stderr
    )


def test_roles_have_the_intended_permissions(role_users):
    def codenames(name):
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        }

    crud = {f"inventory.{action}_{model}" for action in ("add", "change", "delete", "view")
            for model in ("hotspot", "facility", "fibernode", "fiberlink")}
    history = {f"inventory.view_historical{model}"
               for model in ("hotspot", "facility", "fibernode", "fiberlink")}
    views = {f"inventory.view_{model}" for model in ("hotspot", "facility", "fibernode",
                                                     "fiberlink")}
    # Other apps add their own grants to these groups in their migrations.
    editor, assessor, admin = codenames("editor"), codenames("assessor"), codenames("admin")
    area_writes = {f"geo.{action}_adminarea" for action in ("add", "change", "delete")}
    assert crud | history | area_writes | {"geo.view_adminarea"} <= editor
    assert views | history | {"geo.view_adminarea"} <= assessor
    tokens = {"knox.view_authtoken", "knox.delete_authtoken"}
    assert crud | area_writes | tokens | {"auth.add_user"} <= admin
    # Nobody makes or edits a token for someone else: a user signs in for their own.
    assert not {"knox.add_authtoken", "knox.change_authtoken"} & admin
    assert not ({"auth.add_user", "auth.change_group"} | tokens) & editor
    assert not (crud - views) & assessor
    assert not area_writes & assessor
