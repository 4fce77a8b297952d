"""Smart Living and Smart Government scores, assessors' claims and evidence packs.

Scores and claim verdicts read a stored coverage run (never the live registry, except the
count of installed hotspots) and a versioned methodology file, so every number can be
explained and reproduced for a date.
"""
