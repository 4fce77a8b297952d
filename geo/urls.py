"""Page routes (inside the language prefix: `/` in Bahasa Indonesia, `/en/` in English).

`urlpatterns` is included under the `geo` namespace; `assessor_urlpatterns` (/penilai/ and
/penilai/laporan/) without one.
"""

from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("", views.public_map, name="map"),
    path("wilayah/<str:code>/", views.area_detail, name="area"),
    path("hotspot/<int:pk>/", views.hotspot_detail, name="hotspot"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/kelurahan.csv", views.dashboard_csv, name="dashboard-csv"),
]

assessor_urlpatterns = [
    path("penilai/", views.assessor, name="assessor"),
    path("penilai/laporan/", views.report, name="assessor-report"),
]
