"""Methodology files: dimensions of weighted indicators, loaded from YAML or JSON and validated.

A methodology is data, versioned in the repository (`geo/scoring/methodologies/`). Loading
checks the file against a JSON Schema and then the rules a schema cannot express (weights
summing to 1, known metrics, ordered thresholds); every problem is reported with the file
name, the dimension or indicator id and the field, and nothing is scored from a bad file.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from ..choices import Direction, RuleType
from .metrics import METRICS, check_params

METHODOLOGY_DIR = Path(__file__).resolve().parent / "methodologies"
DEFAULT_METHODOLOGY = "simpul-default-v1"
WEIGHT_TOLERANCE = 1e-6

_TEXT = {
    "type": "object",
    "required": ["id", "en"],
    "properties": {"id": {"type": "string", "minLength": 1}, "en": {"type": "string",
                                                                       "minLength": 1}},
    "additionalProperties": False,
}
_NUMBER = {"type": "number"}
_RULE = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": list(RuleType.values)},
        "baseline": _NUMBER,
        "thresholds": {"type": "array", "items": _NUMBER, "minItems": 4, "maxItems": 4},
        "scores": {"type": "array", "minItems": 5, "maxItems": 5,
                   "items": {"type": "number", "minimum": 0, "maximum": 100}},
    },
    "additionalProperties": False,
    "if": {"properties": {"type": {"const": RuleType.THRESHOLDS.value}}},
    "then": {"required": ["type", "thresholds"]},
}
_INDICATOR = {
    "type": "object",
    "required": ["id", "name", "metric", "unit", "direction", "target", "weight", "rule",
                 "reference"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_.-]*$"},
        "name": _TEXT,
        "metric": {"type": "string"},
        "params": {"type": "object"},
        "unit": {"type": "string", "minLength": 1},
        "direction": {"enum": list(Direction.values)},
        "target": _NUMBER,
        "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "rule": _RULE,
        "reference": {"type": "string", "minLength": 1},
    },
    "additionalProperties": False,
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "version", "name", "dimensions"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"},
        "version": {"type": "string", "minLength": 1},
        "name": _TEXT,
        "description": _TEXT,
        "dimensions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "name", "indicators"],
                "properties": {
                    "id": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"},
                    "name": _TEXT,
                    "indicators": {"type": "array", "minItems": 1, "items": _INDICATOR},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


class MethodologyError(Exception):
    """A methodology file that cannot be used; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Indicator:
    """One weighted indicator of a dimension."""

    id: str
    name: dict
    metric: str
    params: dict
    unit: str
    direction: str
    target: float
    weight: float
    rule: dict
    reference: str


@dataclass(frozen=True)
class Dimension:
    """A scored dimension (e.g. Smart Living) and its indicators."""

    id: str
    name: dict
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Methodology:
    """A validated methodology, with the file's SHA-256 and its parsed content."""

    id: str
    version: str
    name: dict
    dimensions: tuple[Dimension, ...]
    source: str
    sha256: str
    data: dict

    @property
    def label(self) -> str:
        """`id` and version, e.g. `simpul-default 1.0.0`."""
        return f"{self.id} {self.version}"

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError if none)."""
        for dimension in self.dimensions:
            for indicator in dimension.indicators:
                if indicator.id == indicator_id:
                    return indicator
        raise KeyError(indicator_id)


def resolve(name_or_path: str | Path | None) -> Path:
    """The file of a bundled methodology name (e.g. `rkci-strict-v1`) or a path."""
    if name_or_path is None:
        name_or_path = DEFAULT_METHODOLOGY
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml", ".json"):
        return path
    for suffix in (".yaml", ".yml", ".json"):
        candidate = METHODOLOGY_DIR / f"{name_or_path}{suffix}"
        if candidate.exists():
            return candidate
    return path


def available() -> list[str]:
    """Names of the methodologies shipped in `geo/scoring/methodologies/`."""
    return sorted(p.stem for p in METHODOLOGY_DIR.iterdir()
                  if p.suffix in (".yaml", ".yml", ".json"))


def load_methodology(name_or_path: str | Path | None = None) -> Methodology:
    """Load and validate a methodology (default: the bundled default); MethodologyError if bad."""
    path = resolve(name_or_path)
    if not path.is_file():
        raise MethodologyError([f"{path}: methodology file not found (bundled: "
                                f"{', '.join(available())})"])
    raw = path.read_bytes()
    try:
        if path.suffix == ".json":
            data = json.loads(raw)
        else:
            data = yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError) as exc:
        kind = "JSON" if path.suffix == ".json" else "YAML"
        raise MethodologyError([f"{path.name}: not valid {kind}: {exc}"]) from exc
    return parse_methodology(data, source=path.name, sha256=hashlib.sha256(raw).hexdigest())


def parse_methodology(data, *, source: str, sha256: str = "") -> Methodology:
    """Validate parsed methodology data and build a Methodology; MethodologyError if bad."""
    if not isinstance(data, dict):
        raise MethodologyError([f"{source}: the file must hold a mapping (id, version, name, "
                                f"dimensions), not {type(data).__name__}"])
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if errors:
        raise MethodologyError([f"{source}: {_where(data, e.path)}{e.message}" for e in errors])
    problems = _semantic_problems(data)
    if problems:
        raise MethodologyError([f"{source}: {problem}" for problem in problems])
    dimensions = tuple(
        Dimension(
            id=d["id"], name=d["name"],
            indicators=tuple(
                Indicator(id=i["id"], name=i["name"], metric=i["metric"],
                          params=i.get("params", {}), unit=i["unit"], direction=i["direction"],
                          target=float(i["target"]), weight=float(i["weight"]), rule=i["rule"],
                          reference=i["reference"])
                for i in d["indicators"]
            ),
        )
        for d in data["dimensions"]
    )
    return Methodology(id=data["id"], version=str(data["version"]), name=data["name"],
                       dimensions=dimensions, source=source, sha256=sha256, data=data)


def _where(data: dict, path) -> str:
    """`dimension X: indicator Y: field 'z': ` for a JSON Schema error path."""
    path = list(path)
    parts = []
    node = data
    fields = []
    index = 0
    while index < len(path):
        key = path[index]
        if key in ("dimensions", "indicators") and index + 1 < len(path):
            position = path[index + 1]
            node = node[key][position]
            label = "dimension" if key == "dimensions" else "indicator"
            ident = node.get("id") if isinstance(node, dict) else None
            parts.append(f"{label} {ident}" if isinstance(ident, str) else
                         f"{label} #{position + 1}")
            index += 2
            continue
        fields.append(str(key))
        index += 1
    if fields:
        parts.append(f"field '{'.'.join(fields)}'")
    return "".join(f"{part}: " for part in parts)


def _semantic_problems(data: dict) -> list[str]:
    """What the schema cannot check: unique ids, weights, metrics, rule consistency."""
    problems = []
    dimension_ids = [d["id"] for d in data["dimensions"]]
    for duplicate in sorted({i for i in dimension_ids if dimension_ids.count(i) > 1}):
        problems.append(f"dimension {duplicate}: field 'id': used by more than one dimension")
    seen: set[str] = set()
    for dimension in data["dimensions"]:
        total = sum(i["weight"] for i in dimension["indicators"])
        if abs(total - 1) > WEIGHT_TOLERANCE:
            problems.append(f"dimension {dimension['id']}: field 'weight': the indicator weights "
                            f"sum to {total:g}, not 1")
        for indicator in dimension["indicators"]:
            where = f"dimension {dimension['id']}: indicator {indicator['id']}"
            if indicator["id"] in seen:
                problems.append(f"{where}: field 'id': used by more than one indicator")
            seen.add(indicator["id"])
            for problem in check_params(indicator["metric"], indicator.get("params")):
                field = "metric" if indicator["metric"] not in METRICS else "params"
                problems.append(f"{where}: field '{field}': {problem}")
            problems += [f"{where}: field 'rule': {p}" for p in _rule_problems(indicator)]
    return problems


def _rule_problems(indicator: dict) -> list[str]:
    rule, target = indicator["rule"], indicator["target"]
    higher = indicator["direction"] == Direction.HIGHER
    if rule["type"] == RuleType.LINEAR:
        if "thresholds" in rule or "scores" in rule:
            return ["a linear rule takes no thresholds or scores"]
        baseline = rule.get("baseline")
        if higher and baseline is not None and baseline >= target:
            return [f"baseline {baseline:g} must be below the target {target:g} "
                    "(higher is better)"]
        if not higher and baseline is None:
            return ["a lower-is-better linear rule needs a baseline (the value scoring 0)"]
        if not higher and baseline <= target:
            return [f"baseline {baseline:g} must be above the target {target:g} "
                    "(lower is better)"]
        return []
    problems = []
    if "baseline" in rule:
        problems.append("a thresholds rule takes no baseline")
    limits = rule["thresholds"]
    pairs = list(zip(limits, limits[1:], strict=False))
    if higher and not all(a < b for a, b in pairs):
        problems.append(f"thresholds {limits} must increase (higher is better)")
    if not higher and not all(a > b for a, b in pairs):
        problems.append(f"thresholds {limits} must decrease (lower is better)")
    scores = rule.get("scores")
    if scores is not None and not all(a <= b for a, b in zip(scores, scores[1:], strict=False)):
        problems.append(f"scores {scores} must not decrease from level 1 to level 5")
    return problems
