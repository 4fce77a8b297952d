"""Who may do what, everywhere: every URL pattern of the project (enumerated with
`get_resolver`), every method it answers, for anonymous visitors, citizens (signed in, no
role), editors, assessors and admins, with the expected status code.

A view added to the URLconf without a row in `MATRIX` fails `test_every_view_is_listed`; a
method added to a view without an expectation fails `test_every_method_is_listed`. The admin
site is checked separately for every registered model (`ADMIN_MODELS`), since Django's
admin enforces its own rules (staff, then model permissions).

Write requests carry an empty or minimal body: the point is the permission layer, so an
allowed role gets the validation answer (400), the precondition answer (428: registry writes
need If-Match) or 404 for an id that does not exist, never 2xx side effects.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from geo.scoring.services import make_snapshot
from tests.api_support import GRANTS, roles_migration
from tests.factories import make_facility, make_hotspot, make_link, make_node

ROLES = ("anonymous", "citizen", "editor", "assessor", "admin")


def same(status: int) -> tuple[int, ...]:
    """The same answer for every role."""
    return (status,) * len(ROLES)


#: Registry and area writes: 401 anonymous, 403 citizen and assessor, the given answer for
#: editors and admins (who hold the model's add/change/delete permissions).
#: Making a coverage or score run (POST): 401 anonymous, 403 citizen, 201 for the others.
MAKE_RUN = (401, 403, 201, 201, 201)


def registry_write(ok: int) -> tuple[int, ...]:
    return (401, 403, ok, 403, ok)


READ = same(200)
INTERNAL_READ = (401, 403, 200, 200, 200)  # history, known_at: the model's view permission
# Pages (Django views): editors only, login page for visitors.
DASHBOARD = (302, 403, 200, 403, 200)

#: URL name → (path, {method: expected statuses in ROLES order}).
MATRIX: dict[str, tuple[str, dict[str, tuple[int, ...]]]] = {
    # --- Pages --------------------------------------------------------------------------
    "geo:map": ("/", {"GET": READ}),
    "geo:area": ("/wilayah/35.76.01.1001/", {"GET": READ}),
    "geo:hotspot": ("/hotspot/{hotspot}/", {"GET": READ}),
    "geo:dashboard": ("/dashboard/", {"GET": DASHBOARD}),
    "geo:dashboard-csv": ("/dashboard/kelurahan.csv", {"GET": DASHBOARD}),
    "assessor": ("/penilai/", {"GET": READ}),
    "assessor-report": ("/penilai/laporan/", {"GET": READ}),
    "set_language": ("/i18n/setlang/", {"GET": same(302), "POST": same(302)}),
    # --- API sign-in (an empty body; sign-out needs a token, not a session) -----------
    "auth-api:login": ("/api/auth/login/", {"POST": same(400)}),
    "auth-api:logout": ("/api/auth/logout/", {"POST": same(401)}),
    # --- API documentation -------------------------------------------------------------
    "api-schema": ("/api/schema/", {"GET": READ}),
    "api-docs": ("/api/docs/", {"GET": READ}),
    # --- Map data ----------------------------------------------------------------------
    "maps:layer": ("/map/layers/hotspots/?bbox=112.3,-7.6,112.6,-7.3&zoom=14", {"GET": READ}),
    "maps:search": ("/map/search/?q=Barat", {"GET": READ}),
    # --- Registry API ------------------------------------------------------------------
    **{
        f"inventory-api:{basename}-list": (f"/api/{route}/", {
            "GET": READ, "POST": registry_write(400),
        })
        for basename, route in (("hotspot", "hotspots"), ("facility", "facilities"),
                                ("fiber-node", "fiber-nodes"), ("fiber-link", "fiber-links"))
    },
    **{
        f"inventory-api:{basename}-detail": (f"/api/{route}/{{{key}}}/", {
            "GET": READ, "PUT": registry_write(428), "PATCH": registry_write(428),
            "DELETE": registry_write(428),
        })
        for basename, route, key in (("hotspot", "hotspots", "hotspot"),
                                     ("facility", "facilities", "facility"),
                                     ("fiber-node", "fiber-nodes", "node"),
                                     ("fiber-link", "fiber-links", "link"))
    },
    **{
        f"inventory-api:{basename}-history": (f"/api/{route}/{{{key}}}/history/",
                                              {"GET": INTERNAL_READ})
        for basename, route, key in (("hotspot", "hotspots", "hotspot"),
                                     ("facility", "facilities", "facility"),
                                     ("fiber-node", "fiber-nodes", "node"),
                                     ("fiber-link", "fiber-links", "link"))
    },
    "inventory-api:hotspot-nearest": ("/api/hotspots/nearest/?lat=-7.47&lon=112.43",
                                      {"GET": READ}),
    # Areas: editors and admins write them, like the registry (geo 0007).
    "geo-api:area-list": ("/api/areas/", {"GET": READ, "POST": registry_write(400)}),
    "geo-api:area-detail": ("/api/areas/35.76.01.1001/", {
        "GET": READ, "PUT": registry_write(428), "PATCH": registry_write(428),
        "DELETE": registry_write(428),
    }),
    "geo-api:area-history": ("/api/areas/35.76.01.1001/history/", {"GET": INTERNAL_READ}),
    "geo-api:area-summary": ("/api/areas/35.76.01.1001/summary/", {"GET": READ}),
    # --- Import / export ----------------------------------------------------------------
    "inventory-io:import": ("/api/import/hotspots/", {"POST": (401, 403, 400, 403, 400)}),
    "inventory-io:export": ("/api/export/hotspots.csv", {"GET": READ}),
    # --- Coverage -----------------------------------------------------------------------
    "coverage-api:areas": ("/api/coverage/", {"GET": READ}),
    "coverage-api:white-zones": ("/api/coverage/white-zones/", {"GET": READ}),
    "coverage-api:facilities": ("/api/coverage/facilities/", {"GET": READ}),
    "coverage-api:runs": ("/api/coverage/runs/", {"GET": READ, "POST": MAKE_RUN}),
    "coverage-api:run-detail": ("/api/coverage/runs/999999/", {"GET": same(404)}),
    "coverage-api:what-if": ("/api/coverage/what-if/", {"POST": (401, 400, 400, 400, 400)}),
    # --- OGC API - Features -------------------------------------------------------------
    "ogc:landing": ("/ogc/", {"GET": READ}),
    "ogc:conformance": ("/ogc/conformance", {"GET": READ}),
    "ogc:collections": ("/ogc/collections", {"GET": READ}),
    "ogc:collection": ("/ogc/collections/hotspots", {"GET": READ}),
    "ogc:items": ("/ogc/collections/hotspots/items", {"GET": READ}),
    "ogc:item": ("/ogc/collections/hotspots/items/{hotspot}", {"GET": READ}),
    # --- Citizen reports ----------------------------------------------------------------
    "reports:hotspot-reports": ("/api/hotspots/{hotspot}/reports/",
                                {"GET": READ, "POST": same(400)}),
    "reports:form": ("/api/hotspots/{hotspot}/reports/form/", {"POST": same(302)}),
    "reports:report-list": ("/api/reports/", {"GET": INTERNAL_READ}),
    "reports:report-detail": ("/api/reports/999999/", {
        "GET": (401, 403, 404, 404, 404), "PATCH": (401, 403, 404, 403, 404),
    }),
    # --- Scores, claims, evidence -------------------------------------------------------
    "scores-api:list": ("/api/scores/", {"GET": READ}),
    # No run for these dates, and a GET never makes one.
    "scores-api:compare": ("/api/scores/compare/?from=2024-01-01&to=2025-01-01",
                           {"GET": same(404)}),
    # Making runs: editors and assessors (and admins) hold add_coveragerun / add_scorerun.
    "scores-api:runs": ("/api/scores/runs/", {"GET": READ, "POST": MAKE_RUN}),
    "scores-api:methodologies": ("/api/scores/methodologies/", {"GET": READ}),
    "scores-api:detail": ("/api/scores/35.76.01.1001/", {"GET": READ}),
    "claims-api:claim-list": ("/api/claims/", {"GET": READ, "POST": (401, 403, 403, 400, 400)}),
    "claims-api:claim-detail": ("/api/claims/999999/", {
        "GET": same(404), "PUT": (401, 403, 403, 404, 404),
        "PATCH": (401, 403, 403, 404, 404), "DELETE": (401, 403, 403, 404, 404),
    }),
    "claims-api:claim-verification": ("/api/claims/999999/verification/", {"GET": same(404)}),
    "evidence-api:pack": ("/api/evidence/", {"GET": READ}),
}

#: Admin site: every registered model's changelist, by role (anonymous and citizens are sent
#: to the login page; staff see what their group's permissions allow).
REGISTRY_ADMIN = (302, 302, 200, 200, 200)
ADMIN_ONLY = (302, 302, 403, 403, 200)
ADMIN_MODELS = {
    "auth.group": ADMIN_ONLY,
    "auth.user": ADMIN_ONLY,
    "axes.accessattempt": ADMIN_ONLY,
    "axes.accessfailurelog": ADMIN_ONLY,
    "axes.accesslog": ADMIN_ONLY,
    "knox.authtoken": ADMIN_ONLY,
    "geo.adminarea": REGISTRY_ADMIN,
    "inventory.facility": REGISTRY_ADMIN,
    "inventory.fiberlink": REGISTRY_ADMIN,
    "inventory.fibernode": REGISTRY_ADMIN,
    "inventory.hotspot": REGISTRY_ADMIN,
    "inventory.hotspotreport": REGISTRY_ADMIN,
}


def iter_patterns(resolver=None, prefix="", namespace=""):
    """(qualified name, callback) of every URL pattern outside the admin site."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


def allowed_methods(callback) -> set[str] | None:
    """The methods a view answers (None for a plain function view: not introspectable)."""
    if hasattr(callback, "actions"):  # DRF viewset route (HEAD is added with GET)
        return {method.upper() for method in callback.actions
                if method != "head" and method in callback.cls.http_method_names}
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names
                if m not in ("options", "head") and hasattr(view_class, m)}
    return None


@pytest.fixture
def world(two_kelurahan):
    """One record of each layer, and one user per role."""
    for grants in GRANTS:
        roles_migration.grant_roles(apps, grants)
    a, b = make_node(100, 100, name="A"), make_node(900, 100, name="B")
    objects = {"hotspot": make_hotspot(300, 300).pk, "facility": make_facility(200, 200).pk,
               "node": a.pk, "link": make_link(a, b).pk}
    make_snapshot()
    users = {"anonymous": None,
             "citizen": User.objects.create_user("warga", password="x")}
    for role in ROLES[2:]:
        user = User.objects.create_user(f"role-{role}", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return objects, users


def client_as(user) -> APIClient:
    """Session-authenticated (pages and API alike), CSRF not enforced."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def test_every_view_is_listed():
    names = {name for name, _ in iter_patterns()}
    assert names - set(MATRIX) == set(), "add the new views to MATRIX"
    assert set(MATRIX) - names == set(), "remove views that no longer exist"


def test_every_method_is_listed():
    missing = {}
    for name, callback in iter_patterns():
        methods = allowed_methods(callback)
        if methods is not None and methods != set(MATRIX[name][1]):
            missing[name] = sorted(methods ^ set(MATRIX[name][1]))
    assert missing == {}


def test_every_admin_model_is_listed():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


CASES = [(name, method, role) for name, (_, methods) in sorted(MATRIX.items())
         for method in methods for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_status_by_role(world, name, method, role):
    objects, users = world
    path_template, methods = MATRIX[name]
    path = path_template.format(**objects)
    client = client_as(users[role])
    if method == "GET":
        response = client.get(path)
    else:
        body_format = "multipart" if path.startswith("/api/import/") else "json"
        response = getattr(client, method.lower())(path, {}, format=body_format)
    assert response.status_code == methods[method][ROLES.index(role)], (
        f"{method} {path} as {role}: {response.status_code} {response.content[:300]!r}")


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(ADMIN_MODELS))
def test_admin_changelists_by_role(world, model):
    _, users = world
    app_label, model_name = model.split(".")
    path = f"/admin/{app_label}/{model_name}/"
    statuses = tuple(client_as(users[role]).get(path).status_code for role in ROLES)
    assert statuses == ADMIN_MODELS[model]
    anonymous = client_as(None).get("/admin/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
