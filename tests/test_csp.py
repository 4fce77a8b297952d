"""Content-Security-Policy: the header on every page, nonces on inline scripts, the tile host
in img-src (the browser test tests/e2e/test_security.py checks that nothing is blocked)."""

import re

import pytest

from core.csp import add_nonce, content_security_policy, tile_source


@pytest.mark.parametrize(("url", "source"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", "https://*.tile.example.org:8443"),
    ("http://10.0.0.5/tiles/{z}/{x}/{y}.png", "http://10.0.0.5"),
    ("", None),
    ("/tiles/{z}/{x}/{y}.png", None),
])
def test_tile_source(url, source):
    assert tile_source(url) == source


def test_img_src_has_the_tile_host_only_when_set():
    with_tiles = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    assert with_tiles["DIRECTIVES"]["img-src"] == ["'self'", "data:",
                                                   "https://tiles.example.org"]
    assert content_security_policy("")["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


def test_add_nonce_marks_every_script_once():
    html = '<script src="/a.js"></script><script>x()</script><script nonce="k">y()</script>'
    assert add_nonce(html, "abc") == (
        '<script nonce="abc" src="/a.js"></script><script nonce="abc">x()</script>'
        '<script nonce="k">y()</script>'
    )
    assert add_nonce(html, None) == html


@pytest.mark.django_db
def test_pages_send_the_policy_and_nonce_their_inline_scripts(client, two_kelurahan):
    response = client.get("/")
    policy = dict(part.strip().split(" ", 1) for part in
                  response["Content-Security-Policy"].split(";"))
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
