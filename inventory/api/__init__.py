"""REST API of the registry: hotspots, facilities, fiber nodes and links as GeoJSON."""
