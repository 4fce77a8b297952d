"""Kemendagri area codes: `35` > `35.76` > `35.76.01` > `35.76.01.1003`.

The code alone tells the level, the parent and the kind of an area: a kab/kota segment of
71 or more is a kota, a desa/kelurahan segment starting with 1 is a kelurahan.
"""

import re

from .choices import AreaKind, AreaLevel

CODE_PATTERN = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"
_CODE_RE = re.compile(CODE_PATTERN)


def normalize_code(raw) -> str:
    """Return a dotted Kemendagri code from a dotted or plain-digit code, or raise ValueError.

    `3576011003` and ` 35.76.01.1003 ` both give `35.76.01.1003`.
    """
    text = str(raw).strip()
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        parts = [text[:2], text[2:4], text[4:6], text[6:10]]
        text = ".".join(p for p in parts if p)
    if not _CODE_RE.match(text):
        raise ValueError(
            f"{raw!r} is not a Kemendagri area code (expected e.g. 35, 35.76, 35.76.01 "
            "or 35.76.01.1003)"
        )
    return text


def level_of(code: str) -> AreaLevel:
    """The administrative level of a normalised code."""
    return AreaLevel(code.count(".") + 1)


def parent_of(code: str) -> str | None:
    """The parent's code, or None for a provinsi."""
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestors_of(code: str) -> list[str]:
    """Codes of all ancestors, from the provinsi down to the parent."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def kind_of(code: str) -> AreaKind:
    """The kind of area a normalised code denotes."""
    parts = code.split(".")
    level = len(parts)
    if level == AreaLevel.PROVINSI:
        return AreaKind.PROVINSI
    if level == AreaLevel.KABUPATEN_KOTA:
        return AreaKind.KOTA if int(parts[1]) >= 71 else AreaKind.KABUPATEN
    if level == AreaLevel.KECAMATAN:
        return AreaKind.KECAMATAN
    return AreaKind.KELURAHAN if parts[3].startswith("1") else AreaKind.DESA
