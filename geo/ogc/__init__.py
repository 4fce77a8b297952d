"""OGC API - Features (Part 1: Core), read-only, at /ogc/.

A module of the geo app rather than a third app: it has no models, and the geo app already
reads the registry through its querysets (the dependency points the right way).
"""
