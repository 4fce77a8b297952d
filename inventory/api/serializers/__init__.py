"""Serializers of the registry API: assets and citizen reports."""
