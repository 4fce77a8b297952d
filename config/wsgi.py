"""WSGI entry point: a production process unless DJANGO_ENV says otherwise.

As production it reads no development `.env` and refuses DEBUG=true and the development key
(config/settings.py).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_ENV", "production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.startup import settle_process  # noqa: E402 - needs the configured settings

settle_process()
