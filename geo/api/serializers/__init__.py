"""Serializers of the geo API: areas, coverage runs, scores and claims."""
