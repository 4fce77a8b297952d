"""API token authentication: django-rest-knox tokens, hashed and expiring.

Only a SHA-512 digest of each token is stored (knox), so neither the database nor the admin
shows a usable secret. A token is shown once, by `POST /api/auth/login/`.
"""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's `Authorization: Token <token>`, without writing on a read.

    Knox deletes expired tokens while it authenticates; here an expired token is only
    refused, so a GET never writes. `manage.py clear_expired_tokens` deletes them.
    """

    def _cleanup_token(self, auth_token) -> bool:
        """True (skip it) when the token has expired."""
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of `TokenAuthentication` (`Authorization: Token …`)."""

    target_class = "core.authentication.TokenAuthentication"
    name = "tokenAuth"
