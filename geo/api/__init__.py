"""REST API of the geo app: administrative areas as GeoJSON, with per-area summaries."""
