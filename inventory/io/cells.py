"""Cell converters of the import: text, numbers (decimal comma), dates, yes/no, coordinates.

Each takes one non-blank cell (text from CSV, native values from spreadsheets and GIS
files) and returns the typed value, or raises ValueError with the message the import
report shows.
"""

import datetime
from decimal import Decimal, InvalidOperation

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "ya", "1", "benar", "b"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "tidak", "0", "salah", "s"})
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")


def is_blank(value) -> bool:
    """Whether a cell is empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def to_decimal(raw) -> Decimal:
    """A Decimal from a cell; accepts a decimal comma (`112,4345`) and thousands marks."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number.")
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"'{raw}' is not a number.") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not a number.")
    return value


def to_integer(raw) -> int:
    """A whole number from a cell (`12`, `12.0`, `12,0`)."""
    value = to_decimal(raw)
    if value != value.to_integral_value():
        raise ValueError(f"'{raw}' is not a whole number.")
    return int(value)


def to_date(raw) -> datetime.date:
    """A date from a cell: a native date, or text as YYYY-MM-DD or DD/MM/YYYY."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    if "T" in text or " " in text:
        text = text.replace("T", " ").split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a valid date (use YYYY-MM-DD or DD/MM/YYYY).")


def to_boolean(raw) -> bool:
    """True/false from a cell: true/false, ya/tidak, yes/no, 1/0."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"'{raw}' is not a yes/no value (use true/false, ya/tidak or 1/0).")


def to_text(raw) -> str:
    """Text from a cell; whole floats from spreadsheets lose their `.0` (IDs, SSIDs)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def to_coordinate(cell) -> float:
    """A coordinate: plain float text fast, else through to_decimal (decimal comma)."""
    if cell.__class__ is float:
        return cell
    try:
        value = float(cell)
    except (TypeError, ValueError):
        return float(to_decimal(cell))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{cell}' is not a number.")
    return value
