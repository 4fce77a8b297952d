"""Import and export of the registry: files in (validated, atomic) and standard formats out.

See docs/import-export.md. Modules: readers (file → rows), schema (columns per layer),
validation, importer (the atomic service and its report), copy (COPY writes with history),
exporters, api and urls (upload/download endpoints), admin (the "Impor" admin page).
"""
