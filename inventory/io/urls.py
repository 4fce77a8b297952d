"""URLs of import and export, included by config/urls.py with `path("api/", include(...))`.

    POST /api/import/<layer>/                       import a file (editors)
    GET  /api/export/<layer>.<format>?area=&as_of=  download a layer
"""

from django.urls import path

from .api import ExportView, ImportView

app_name = "inventory-io"

urlpatterns = [
    path("import/<str:layer>/", ImportView.as_view(), name="import"),
    path("export/<str:layer>.<str:fmt>", ExportView.as_view(), name="export"),
]
