"""Map data routes, mounted at /map/ (outside the language prefix: the data are neutral)."""

from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("layers/<slug:name>/", views.layer, name="layer"),
    path("search/", views.search_view, name="search"),
]
