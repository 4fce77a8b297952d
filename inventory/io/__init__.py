"""Import and export of the registry: files in (validated, atomic) and standard formats out.

See docs/import-export.md. Modules: readers (file → rows), schema (columns per layer),
rules (every check, once per layer) and cells (cell converters), validation (applies the
rules), importer (the atomic service), report, areas (desa/kelurahan of each point),
duplicates, copy (COPY writes with history), exporters.
"""
