"""The OpenAPI 3 schema: it validates, and every endpoint and filter is described."""

import pytest
from django.core.management import call_command

from tests.api_support import client_for

pytestmark = pytest.mark.django_db

MY_PATHS = {
    "/api/hotspots/", "/api/hotspots/{id}/", "/api/hotspots/nearest/",
    "/api/facilities/", "/api/facilities/{id}/",
    "/api/fiber-nodes/", "/api/fiber-nodes/{id}/",
    "/api/fiber-links/", "/api/fiber-links/{id}/",
    "/api/areas/", "/api/areas/{code}/", "/api/areas/{code}/summary/",
    "/ogc/", "/ogc/conformance/", "/ogc/collections/", "/ogc/collections/{collection_id}/",
    "/ogc/collections/{collection_id}/items/",
    "/ogc/collections/{collection_id}/items/{feature_id}/",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = client_for(None).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_validates_without_any_warning(tmp_path, capsys):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.0.3")
    messages = capsys.readouterr().err.splitlines()
    assert [line for line in messages if "Warning" in line or "Error" in line] == []


def test_every_endpoint_is_in_the_schema(schema):
    assert MY_PATHS <= set(schema["paths"])
    assert set(schema["paths"]["/api/hotspots/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/hotspots/{id}/"]) == {"get", "put", "patch", "delete"}
    # Editors write areas too (geo 0007): the same methods as the registry.
    assert set(schema["paths"]["/api/areas/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/areas/{code}/"]) == {"get", "put", "patch", "delete"}


def test_every_operation_and_parameter_is_described(schema):
    undocumented = []
    for path in sorted(schema["paths"]):
        operations = schema["paths"][path]
        for method, operation in operations.items():
            if not (operation.get("description") or operation.get("summary")):
                undocumented.append(f"{method.upper()} {path}")
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    undocumented.append(f"{method.upper()} {path} ?{parameter['name']}")
    assert undocumented == []


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/api/hotspots/", {"area", "status", "type", "operator", "is_free", "as_of", "search",
                            "external_id", "source", "in_bbox", "point", "distance_m", "page",
                            "page_size", "known_at"}),
        ("/api/facilities/", {"area", "type", "is_government_office", "connectivity", "as_of",
                              "search", "external_id", "source", "in_bbox", "point",
                              "distance_m", "page", "page_size", "known_at"}),
        ("/api/fiber-nodes/", {"area", "status", "type", "operator", "owner", "as_of", "search",
                               "external_id", "source", "in_bbox", "point", "distance_m",
                               "page", "page_size", "known_at"}),
        ("/api/fiber-links/", {"area", "status", "type", "operator", "owner", "node", "as_of",
                               "search", "external_id", "source", "in_bbox", "point",
                               "distance_m", "page", "page_size", "known_at"}),
        ("/api/areas/", {"area", "parent", "level", "type", "search", "in_bbox", "point",
                         "distance_m", "page", "page_size"}),
        ("/api/hotspots/nearest/", {"lat", "lon", "limit", "status"}),
        ("/api/areas/{code}/summary/", {"code", "as_of"}),
        ("/ogc/collections/{collection_id}/items/", {"collection_id", "limit", "offset", "bbox",
                                                     "bbox-crs", "datetime", "f"}),
    ],
)
def test_filters_are_in_the_schema(schema, path, filters):
    assert {p["name"] for p in schema["paths"][path]["get"]["parameters"]} == filters


def test_area_filter_is_a_string_not_the_foreign_key(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/hotspots/"]["get"]["parameters"]}
    assert parameters["area"]["schema"] == {"type": "string"}
    assert parameters["in_bbox"]["schema"] == {"type": "string"}
    assert "`112.42,-7.48,112.45,-7.46`" in parameters["in_bbox"]["description"]


def test_list_responses_are_paginated_feature_collections(schema):
    response = schema["paths"]["/api/hotspots/"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    collection, page = schema["components"]["schemas"][ref]["allOf"]
    collection = schema["components"]["schemas"][collection["$ref"].rsplit("/", 1)[1]]
    assert set(collection["properties"]) == {"type", "features"}
    assert collection["properties"]["features"]["items"] == {
        "$ref": "#/components/schemas/Hotspot"}
    assert set(page["properties"]) == {"count", "next", "previous"}


def test_swagger_ui_is_served_from_local_static_files():
    response = client_for(None).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html
