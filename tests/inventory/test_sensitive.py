"""`is_sensitive` hides a fiber record's technical details from the public in every output:
the REST API, the OGC API, the map layer and the exports (inventory/sensitivity.py). Editors
and assessors still read them, and a record that is not sensitive shows them to everyone.

Fixture (conftest `layers`): node n3 "ODP Barat" (odp) is sensitive, n1 "POP Barat" (pop)
is not; link l1 "Trunk" (24 cores, 10 Gbps, underground) is sensitive, l2 "Feeder"
(12 cores, aerial) is not.
"""

import csv
import io
import json

import pytest

from inventory.io.exporters import export_layer
from tests.api_support import client_for

pytestmark = pytest.mark.django_db

READERS = [("anonymous", False), ("user", False), ("editor", True), ("assessor", True)]


def by_name(features) -> dict:
    return {f["properties"]["name"]: f["properties"] for f in features}


def download(user, path) -> bytes:
    response = client_for(user).get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(("role", "sees"), READERS)
def test_rest_api(layers, role_users, role, sees):
    api = client_for(role_users[role])
    nodes = by_name(api.get("/api/fiber-nodes/").json()["features"])
    assert nodes["ODP Barat"]["node_type"] == ("odp" if sees else None)
    assert nodes["ODP Barat"]["owner"] == "Pemkot"  # not a technical detail
    assert nodes["POP Barat"]["node_type"] == "pop"
    links = by_name(api.get("/api/fiber-links/").json()["features"])
    trunk = links["Trunk"]
    assert (trunk["fibre_count"], trunk["capacity_gbps"], trunk["deployment"]) == (
        (24, 10.0, "underground") if sees else (None, None, None))
    assert (links["Feeder"]["fibre_count"], links["Feeder"]["deployment"]) == (12, "aerial")
    detail = api.get(f"/api/fiber-nodes/{layers['n3'].pk}/").json()["properties"]
    assert detail["node_type"] == ("odp" if sees else None)


@pytest.mark.parametrize(("role", "sees"), READERS)
def test_ogc_api(layers, role_users, role, sees):
    api = client_for(role_users[role])
    nodes = by_name(api.get("/ogc/collections/fiber-nodes/items").json()["features"])
    assert nodes["ODP Barat"]["node_type"] == ("odp" if sees else None)
    assert nodes["POP Barat"]["node_type"] == "pop"
    trunk = api.get(f"/ogc/collections/fiber-links/items/{layers['l1'].pk}").json()
    props = trunk["properties"]
    assert (props["fibre_count"], props["capacity_gbps"], props["deployment"]) == (
        (24, 10.0, "underground") if sees else (None, None, None))


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_map_layer_is_public_for_everyone(layers, role_users, role):
    response = client_for(role_users[role]).get(
        "/map/layers/fiber-nodes/", {"bbox": "112.0,-8.0,113.0,-7.0", "zoom": 16})
    assert response.status_code == 200
    nodes = by_name(json.loads(response.content)["features"])
    assert (nodes["ODP Barat"]["node_type"], nodes["ODP Barat"]["is_sensitive"]) == (None, True)
    assert (nodes["POP Barat"]["node_type"], nodes["ODP Timur"]["node_type"]) == ("pop", "odp")
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(("role", "sees"), READERS)
def test_csv_export(layers, role_users, role, sees):
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(
        download(role_users[role], "/api/export/fiber-nodes.csv").decode("utf-8-sig")))}
    assert rows["ODP Barat"]["node_type"] == ("odp" if sees else "")
    assert rows["POP Barat"]["node_type"] == "pop"
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(
        download(role_users[role], "/api/export/fiber-links.csv").decode("utf-8-sig")))}
    trunk = rows["Trunk"]
    assert (trunk["fibre_count"], trunk["deployment"]) == (
        ("24", "underground") if sees else ("", ""))
    assert (rows["Feeder"]["fibre_count"], rows["Feeder"]["deployment"]) == ("12", "aerial")


@pytest.mark.parametrize(("public", "sees"), [(True, False), (False, True)])
def test_ofds_export(layers, tmp_path, public, sees):
    export_layer("fiber-links", "ofds", tmp_path / "spans.geojson", public=public)
    spans = by_name(json.loads((tmp_path / "spans.geojson").read_text())["features"])
    trunk = spans["Trunk"]
    assert ("fibreCount" in trunk, "capacity" in trunk, "deployment" in trunk) == (sees,) * 3
    assert spans["Feeder"]["deployment"] == ["aboveGround"]
    assert spans["Feeder"]["fibreCount"] == 12
    assert ("type" in spans["Feeder"]["end"]) is sees  # its end node, ODP Barat, is sensitive
    assert spans["Feeder"]["start"]["type"] == ["pop"]
    export_layer("fiber-nodes", "ofds", tmp_path / "nodes.geojson", public=public)
    nodes = by_name(json.loads((tmp_path / "nodes.geojson").read_text())["features"])
    assert nodes["ODP Barat"].get("type") == (["aggregationPoint"] if sees else None)
