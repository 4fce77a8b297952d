"""Explicit settings for the test suite: production-like (DEBUG off) with a fixed test key."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Tests (and the live server the browser tests use) speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client's `login()` calls `authenticate()` without a request, which django-axes
# refuses; the lockout tests (tests/test_login.py) switch it on.
AXES_ENABLED = False
