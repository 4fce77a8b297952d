"""Views of the geo API: areas, coverage runs, scores, claims and evidence packs."""
