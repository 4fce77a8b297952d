"""Project middleware."""

from django.utils import translation


class ApiLanguageMiddleware:
    """Let `/api/` and `/ogc/` answer in the language the client asks for.

    Pages carry their language in the URL (`/en/…`, Bahasa Indonesia without a prefix), so
    Django's LocaleMiddleware gives every unprefixed path the default language. Machine
    clients cannot use a prefix: for them the `Accept-Language` header (or the language
    cookie set on the site) chooses; without either the answer stays in Bahasa Indonesia.
    LocaleMiddleware, which runs before this one, then sets `Content-Language` and `Vary`.
    """

    PREFIXES = ("/api/", "/ogc/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        """Activate the requested language for API paths, then handle the request."""
        if request.path_info.startswith(self.PREFIXES):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
