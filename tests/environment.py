"""Test-run environment, loaded as a pytest plugin (-p) before pytest-django reads settings.

Tests run as production does (DEBUG off, hashed static files) but over plain HTTP on
loopback, so the HTTPS redirect and secure-only cookies are switched off here.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
