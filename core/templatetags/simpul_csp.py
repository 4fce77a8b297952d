"""`{% load simpul_csp %}`: give server-built inline scripts the request's CSP nonce."""

from django import template
from django.utils.safestring import mark_safe

from core.csp import add_nonce

register = template.Library()


@register.filter
def with_nonce(html, nonce):
    """Trusted HTML (folium's page header) with `nonce` on each `<script>` tag.

    Only for markup the server built, never user input:
    `{{ map.header|with_nonce:CSP_NONCE }}`.
    """
    return mark_safe(add_nonce(str(html), nonce))
