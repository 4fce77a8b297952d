"""Citizen reports on hotspots ("not working", "slow", …) and their moderation by editors.

Anyone may report without an account; reports are throttled per client (a salted hash of the
address kept in the cache only, never in the database) and per hotspot. Editors moderate
them in the admin or through the API; confirmed outages show on the map.
"""
