"""The registry: what digital infrastructure exists (hotspots, fiber, facilities)."""
