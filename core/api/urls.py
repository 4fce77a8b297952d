"""Sign-in routes of the API (namespace `auth-api`), mounted at /api/auth/."""

from django.urls import path

from core.api.auth import LoginView, LogoutView

app_name = "auth-api"
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
