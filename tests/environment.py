"""Test-run environment, loaded as a pytest plugin (-p) before pytest-django reads settings.

Tests run as production does (DEBUG off, hashed static files) but over plain HTTP on
loopback, so the HTTPS redirect and secure-only cookies are switched off here.
"""

import os
import re

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def own_redis_database():
    """Under pytest-xdist each worker (gw0, gw1…) takes its own Redis database (the URL's
    number plus one plus the worker's), so that one worker's cache.clear() cannot empty the
    cache another is testing. Redis has 16 databases by default."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL")
    if not (url and worker.startswith("gw")):
        return
    match = re.match(r"^(redis://[^/]+)(?:/(\d+))?$", url)
    if match:
        base = int(match.group(2) or 0)
        os.environ["REDIS_URL"] = f"{match.group(1)}/{(base + 1 + int(worker[2:])) % 16}"


own_redis_database()
