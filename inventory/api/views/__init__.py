"""Views of the registry API: assets, nearest wifi, import/export and citizen reports."""
