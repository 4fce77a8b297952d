"""Kemendagri codes: normalisation, level, parent and kind."""

import pytest

from core.choices import AreaKind, AreaLevel
from core.codes import ancestors_of, kind_of, level_of, normalize_code, parent_of


@pytest.mark.parametrize(("raw", "code"), [
    ("35.76.01.1003", "35.76.01.1003"), ("3576011003", "35.76.01.1003"), (" 35.76 ", "35.76"),
    (35, "35"), ("357601", "35.76.01"),
])
def test_normalize(raw, code):
    assert normalize_code(raw) == code


@pytest.mark.parametrize("raw", ["3.5", "35.7", "35.76.1.1003", "abc", "", "35.76.01.10031"])
def test_normalize_refuses(raw):
    with pytest.raises(ValueError) as raised:
        normalize_code(raw)
    assert str(raised.value) == (
        f"{raw!r} is not a Kemendagri area code (expected e.g. 35, 35.76, 35.76.01 or "
        "35.76.01.1003)"
    )


def test_hierarchy():
    assert level_of("35.76.01.1003") == AreaLevel.DESA_KELURAHAN
    assert parent_of("35.76.01.1003") == "35.76.01" and parent_of("35") is None
    assert ancestors_of("35.76.01.1003") == ["35", "35.76", "35.76.01"]


@pytest.mark.parametrize(("code", "kind"), [
    ("35", AreaKind.PROVINSI), ("35.16", AreaKind.KABUPATEN), ("35.76", AreaKind.KOTA),
    ("35.76.01", AreaKind.KECAMATAN), ("35.76.01.1003", AreaKind.KELURAHAN),
    ("35.16.01.2001", AreaKind.DESA),
])
def test_kind(code, kind):
    assert kind_of(code) == kind
