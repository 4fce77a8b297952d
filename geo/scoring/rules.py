"""Scoring rules: pure functions from a measured value to a sub-score between 0 and 100.

Two rules, as a methodology file names them:

- `linear`: 0 at the baseline, 100 at the target, straight in between and capped at 100
  beyond the target (and at 0 beyond the baseline). Higher is better: the baseline defaults
  to 0. Lower is better: the baseline is the worst value (score 0) and must be given.
- `thresholds`: maturity levels 1 to 5 as SPBE uses them. Four thresholds give levels 2 to 5
  (ascending when higher is better, descending when lower is better); each level has a score
  (default 20, 40, 60, 80, 100, i.e. the level on a 0–100 scale).

A value of None (not measurable, e.g. no facilities of that kind in the area) gives no
sub-score: the indicator is left out and the others' weights are renormalised.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from ..choices import Direction, RuleType

DEFAULT_LEVEL_SCORES = (20.0, 40.0, 60.0, 80.0, 100.0)
MAX_SCORE = 100.0


@dataclass(frozen=True)
class SubScore:
    """A sub-score (0–100), the maturity level for threshold rules, and whether it was capped."""

    score: float | None
    level: int | None = None
    capped: bool = False


def linear(value: float | None, *, target: float, direction: str = Direction.HIGHER,
           baseline: float | None = None) -> SubScore:
    """Linear from `baseline` (0) to `target` (100), capped at both ends."""
    if value is None:
        return SubScore(None)
    if direction == Direction.HIGHER:
        baseline = 0.0 if baseline is None else baseline
        if value >= target:
            return SubScore(MAX_SCORE, capped=value > target)
        if value <= baseline:
            return SubScore(0.0, capped=value < baseline)
        return SubScore(MAX_SCORE * (value - baseline) / (target - baseline))
    if baseline is None:
        raise ValueError("a lower-is-better linear rule needs a baseline (the value scoring 0)")
    if value <= target:
        return SubScore(MAX_SCORE, capped=value < target)
    if value >= baseline:
        return SubScore(0.0, capped=value > baseline)
    return SubScore(MAX_SCORE * (baseline - value) / (baseline - target))


def thresholds(value: float | None, *, limits: Sequence[float],
               direction: str = Direction.HIGHER,
               scores: Sequence[float] = DEFAULT_LEVEL_SCORES) -> SubScore:
    """Maturity level 1–5: one level more for each of the four limits the value reaches."""
    if len(limits) != 4 or len(scores) != 5:
        raise ValueError("thresholds need 4 limits (levels 2 to 5) and 5 level scores")
    if value is None:
        return SubScore(None)
    if direction == Direction.HIGHER:
        reached = sum(1 for limit in limits if value >= limit)
    else:
        reached = sum(1 for limit in limits if value <= limit)
    level = 1 + reached
    return SubScore(float(scores[level - 1]), level=level)


def apply_rule(value: float | None, rule: dict, *, target: float, direction: str) -> SubScore:
    """The sub-score of `value` under a rule as written in a methodology file."""
    if rule["type"] == RuleType.LINEAR:
        return linear(value, target=target, direction=direction, baseline=rule.get("baseline"))
    if rule["type"] == RuleType.THRESHOLDS:
        return thresholds(value, limits=rule["thresholds"], direction=direction,
                          scores=rule.get("scores", DEFAULT_LEVEL_SCORES))
    raise ValueError(f"unknown rule type {rule['type']!r}")


@dataclass(frozen=True)
class Part:
    """One indicator's share in a dimension score."""

    weight: float
    effective_weight: float | None
    contribution: float | None


def combine(weighted: Sequence[tuple[float, float | None]]) -> tuple[float | None, list[Part]]:
    """Weighted sum of sub-scores; indicators without a sub-score are left out.

    `weighted` holds (weight, sub-score) pairs whose weights sum to 1. The weights of the
    indicators that have a sub-score are renormalised to sum to 1 (their effective weight),
    so a kelurahan without, say, a puskesmas is not penalised for it. The score is None when
    no indicator has a sub-score.
    """
    present = sum(weight for weight, score in weighted if score is not None)
    parts = []
    for weight, score in weighted:
        if score is None or present == 0:
            parts.append(Part(weight, None, None))
        else:
            effective = weight / present
            parts.append(Part(weight, effective, effective * score))
    if present == 0:
        return None, parts
    return sum(part.contribution for part in parts if part.contribution is not None), parts
