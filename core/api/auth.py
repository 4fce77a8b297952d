"""Sign in to the API: a username and password give a token, shown once; sign out ends it.

Every attempt goes through `django.contrib.auth.authenticate`, so django-axes counts the
failures and locks the (username, address) pair out like the admin's login page.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.authentication import TokenAuthentication


class Credentials(serializers.Serializer):
    """A username and password."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False,
                                     style={"input_type": "password"})


TOKEN_RESPONSE = inline_serializer("TokenResponse", {
    "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
    "expiry": serializers.DateTimeField(),
})


class LoginView(APIView):
    """`POST /api/auth/login/`: a new API token for a username and password."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=Credentials, responses={
        200: TOKEN_RESPONSE,
        400: OpenApiResponse(description="wrong username or password"),
        429: OpenApiResponse(description="locked out after too many failed attempts"),
    })
    def post(self, request):
        credentials = Credentials(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if getattr(request, "axes_locked_out", False):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            return Response(
                {"detail": _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam "
                             "%(minutes)d menit.") % {"minutes": minutes}},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(minutes * 60)},
            )
        if user is None:
            return Response({"detail": _("Nama pengguna atau kata sandi salah.")},
                            status=status.HTTP_400_BAD_REQUEST)
        instance, token = AuthToken.objects.create(user=user)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(APIView):
    """`POST /api/auth/logout/`: end the token this request is signed with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None, 401: OpenApiResponse(
        description="not signed in with a token")})
    def post(self, request):
        if not isinstance(request.auth, AuthToken):
            raise NotAuthenticated(_("Masuk dengan token untuk mengakhirinya."))
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

