"""Models of the registry: hotspots, facilities, fiber nodes and links, citizen reports."""

from .assets import Asset, Facility, FiberLink, FiberNode, Hotspot, PointAsset
from .reports import HotspotReport
from .status import HotspotStatusPeriod, StatusSource

__all__ = ["Asset", "Facility", "FiberLink", "FiberNode", "Hotspot", "HotspotReport",
           "HotspotStatusPeriod", "PointAsset", "StatusSource"]
