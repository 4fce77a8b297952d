"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

The browser starts once per session; never let Playwright download one. Each test gets a
fresh context whose console errors and requests leaving the live server are recorded.
"""

import os
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from geo.coverage.services import compute_coverage

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Playwright's sync API keeps an event loop running in the test thread; Django's ORM calls
# made there (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
IDLE = "() => document.documentElement.dataset.simpulIdle === 'true'"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class Watcher:
    """Console errors, page errors and requests to any host but the live server."""

    def __init__(self, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.errors: list[str] = []
        self.external: list[str] = []

    def attach(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda exc: self.errors.append(f"{exc} {exc.stack}"))
        page.on("request", self._request)

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob") or parts.netloc == self.host:
            return
        self.external.append(request.url)


@pytest.fixture
def open_page(browser, live_server, settings):
    """`open_page(path, **context_options)` -> (page, watcher), on the live server."""
    settings.SIMPUL_TILE_URL = ""  # no base map: nothing may leave localhost
    contexts = []

    def _open(path="/", cookies=(), **options):
        context = browser.new_context(locale="id-ID", **options)
        contexts.append(context)
        context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
        page = context.new_page()
        watcher = Watcher(live_server.url)
        watcher.attach(page)
        page.goto(live_server.url + path)
        return page, watcher

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def demo(transactional_db):
    """The Kota Mojokerto demo with a coverage run as of today."""
    call_command("load_demo", verbosity=0)
    return compute_coverage(timezone.localdate())


def wait_idle(page, timeout=15_000):
    """Wait until the map has no layer request scheduled or in flight."""
    page.wait_for_function(IDLE, timeout=timeout)
