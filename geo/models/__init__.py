"""Models of the geo app: administrative areas, stored coverage runs, scores and claims."""

from .areas import AdminArea
from .coverage import AreaCoverage, CoverageRun, FacilityAccess, WhiteZone
from .scoring import AreaScore, Claim, ScoreRun

__all__ = ["AdminArea", "AreaCoverage", "AreaScore", "Claim", "CoverageRun", "FacilityAccess",
           "ScoreRun", "WhiteZone"]
