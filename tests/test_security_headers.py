"""Content Security Policy on every HTML page, and the production deployment settings
(issue 6, items 3 and 4).

CSP: `script-src 'self' …` (no 'unsafe-inline', no 'unsafe-eval'), `object-src 'none'`,
`base-uri 'none'`, `frame-ancestors 'none'` everywhere but /embed/. The admin's scripts carry
the response's nonce. The public pages, cached whole (timeline/http_cache.py), carry none:
their scripts are files of our origin, and their one inline script is allowed by its hash
(timeline/first_paint.py), as a hash-based strict CSP does. No inline event-handler
attribute (on…=) anywhere.

Deployment: `manage.py check --deploy --fail-level WARNING` in a fresh interpreter with
the production environment (DEBUG off, a long random SECRET_KEY, ALLOWED_HOSTS) reports no
issue, and a request there gets HSTS, secure session and CSRF cookies, the referrer policy
and nosniff. The subprocess gets an environment built from scratch: it must not inherit
the test run's SECURE_SSL_REDIRECT=0 / SECURE_COOKIES=0 (tests/environment.py).
"""

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from timeline.models import Event, Person, Tag

ROOT = Path(__file__).resolve().parent.parent


# --- reading a response -------------------------------------------------------------------


def policy(response):
    """{directive: [sources]} of the response's Content-Security-Policy header."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class Tags(HTMLParser):
    """Every start tag of a document, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags_of(response):
    parser = Tags()
    parser.feed(response.content.decode())
    return parser.tags


def assert_strict_policy(response, *, frameable=False, scripts_expected=True):
    """Check the policy; return its nonce. Django adds the nonce to the header only when the
    page used it: a public page or a partial gets `script-src 'self' 'sha256-…'`."""
    path = response.request["PATH_INFO"]
    csp = policy(response)
    scripts = csp["script-src"]
    assert scripts[0] == "'self'", path
    assert all(source.startswith(("'nonce-", "'sha256-")) for source in scripts[1:]), path
    nonces = [source for source in scripts if source.startswith("'nonce-")]
    assert len(nonces) == (1 if scripts_expected else 0), (path, scripts)
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(
        scripts
    ), path
    assert csp["object-src"] == ["'none'"], path
    assert csp["base-uri"] == ["'none'"], path
    if frameable:
        assert csp["frame-ancestors"] != ["'none'"], path
        assert "X-Frame-Options" not in response.headers, path
    else:
        assert csp["frame-ancestors"] == ["'none'"], path
        assert response.headers["X-Frame-Options"] == "DENY", path
    return nonces[0][len("'nonce-") : -1] if nonces else None


def is_data_block(attrs):
    """`json_script` output: <script type="application/json">, which browsers never run
    and CSP does not govern (it is how the figure travels: data, not code)."""
    return attrs.get("type") == "application/json" and "src" not in attrs


def assert_scripts_carry_the_nonce(response, nonce):
    path = response.request["PATH_INFO"]
    tags = tags_of(response)
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    code = [attrs for attrs in scripts if not is_data_block(attrs)]
    assert code, f"no script on {path}: the check would prove nothing"
    for attrs in code:
        assert attrs.get("nonce") == nonce, (path, attrs)
    # Count raw "<script" too: a tag the parser would not see as a tag must not slip by.
    assert response.content.decode().lower().count("<script") == len(scripts), path
    handlers = [
        (tag, name) for tag, attrs in tags for name in attrs if name.lower().startswith("on")
    ]
    assert handlers == [], (path, handlers)


def scripts_with_code(response):
    """[(attributes, text)] of every <script> of the page."""
    tags = [attrs for tag, attrs in tags_of(response) if tag == "script"]
    texts = re.findall(r"<script\b[^>]*>(.*?)</script>", response.content.decode(), re.S)
    assert len(tags) == len(texts), response.request["PATH_INFO"]
    return list(zip(tags, texts, strict=True))


def digest(code):
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def assert_public_page_is_locked_down(response, *, frameable=False):
    """No nonce (the page is cached whole); each script a file of our origin or an inline
    script whose hash the policy lists; no handler attribute."""
    path = response.request["PATH_INFO"]
    assert response.status_code == 200, path
    assert_strict_policy(response, frameable=frameable, scripts_expected=False)
    allowed = policy(response)["script-src"]
    code = [
        (attrs, text) for attrs, text in scripts_with_code(response) if not is_data_block(attrs)
    ]
    assert code, f"no script on {path}: the check would prove nothing"
    for attrs, text in code:
        assert "nonce" not in attrs, (path, attrs)
        if "src" in attrs:
            assert attrs["src"].startswith("/static/") and not text.strip(), (path, attrs)
        else:
            assert digest(text) in allowed, (path, text[:80])
    handlers = [
        (tag, name)
        for tag, attrs in tags_of(response)
        for name in attrs
        if name.lower().startswith("on")
    ]
    assert handlers == [], (path, handlers)


def assert_html_is_locked_down(response, *, frameable=False):
    assert response.status_code == 200, response.request["PATH_INFO"]
    assert response["Content-Type"].startswith("text/html")
    nonce = assert_strict_policy(response, frameable=frameable)
    assert_scripts_carry_the_nonce(response, nonce)
    return nonce


# --- the public pages ---------------------------------------------------------------------


@pytest.fixture
def published_slug(dataset):
    return Event.objects.published().order_by("start").values_list("slug", flat=True).first()


def test_it_sends_a_strict_policy_and_allowed_scripts_on_the_public_pages(client, published_slug):
    for path in ("/", "/fr/", "/?dispute=syria", f"/events/{published_slug}/"):
        assert_public_page_is_locked_down(client.get(path))


def test_a_public_page_served_from_the_cache_is_the_same_page_under_the_same_policy(
    client, dataset
):
    first, second = client.get("/?dispute=syria"), client.get("/?dispute=syria")
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_it_lets_only_the_embed_page_be_framed(client, dataset):
    assert_public_page_is_locked_down(client.get("/embed/"), frameable=True)
    assert_public_page_is_locked_down(client.get("/embed/?dispute=syria"), frameable=True)


def test_it_sends_the_policy_on_partials_and_error_pages_too(client, published_slug):
    """htmx partials have no <script>, but the policy still holds (and they have no handler)."""
    for path, frameable in (("/", False), ("/embed/", True), (f"/events/{published_slug}/", False)):
        response = client.get(path, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert_strict_policy(response, frameable=frameable, scripts_expected=False)
        scripts = [attrs for tag, attrs in tags_of(response) if tag == "script"]
        assert all(is_data_block(attrs) for attrs in scripts), (path, scripts)
        assert not [n for _, attrs in tags_of(response) for n in attrs if n.startswith("on")]
    response = client.get("/?from=nope")
    assert response.status_code == 400
    assert_strict_policy(response, scripts_expected=False)
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    assert_strict_policy(response, scripts_expected="<script" in response.content.decode())


def test_the_admin_uses_a_fresh_nonce_per_response(client, db):
    first = assert_strict_policy(client.get("/admin/login/"))
    second = assert_strict_policy(client.get("/admin/login/"))
    assert first != second and len(first) >= 16


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, dataset):
    user = User.objects.create_superuser("editor", "editor@example.org", "a long password 1")
    client.force_login(user)
    return client


def test_it_sends_a_strict_policy_on_the_admin_login(client, db):
    assert_html_is_locked_down(client.get("/admin/login/"))


def test_it_sends_a_strict_policy_and_nonced_scripts_on_the_admin_screens(staff_client):
    event = Event.objects.published().first()
    person, tag = Person.objects.first(), Tag.objects.first()
    paths = [
        "/admin/",
        "/admin/timeline/event/",
        "/admin/timeline/event/?state__exact=published",
        "/admin/timeline/event/add/",
        f"/admin/timeline/event/{event.pk}/change/",
        f"/admin/timeline/event/{event.pk}/history/",
        f"/admin/timeline/event/{event.pk}/delete/",
        "/admin/timeline/event/import/",
        "/admin/timeline/event/export/",
        "/admin/timeline/person/",
        f"/admin/timeline/person/{person.pk}/change/",
        f"/admin/timeline/tag/{tag.pk}/change/",
        "/admin/auth/user/",
        "/admin/password_change/",
    ]
    for path in paths:
        assert_html_is_locked_down(staff_client.get(path))


def test_the_admin_autocomplete_answers_json_for_the_widgets(staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "timeline", "model_name": "event", "field_name": "tags", "term": "s"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


# --- production settings ------------------------------------------------------------------


def production_env(tmp_path, **extra):
    """The production environment, from scratch: nothing inherited from the test run."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "diplomacy_site.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "timeline.example",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        **extra,
    }


def run(args, env):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_it_passes_the_deployment_checklist_with_the_production_environment(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_the_deployment_checklist_can_fail(tmp_path):
    """The same command flags a short key and DEBUG: the check above is not blind."""
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path, SECRET_KEY="short", DEBUG="1"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout
    assert "security.W018" in result.stderr + result.stdout


PRODUCTION_REQUEST = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="timeline.example")
plain = client.get("/admin/login/")
secure = client.get("/admin/login/", secure=True)
cookie = secure.cookies.get(settings.CSRF_COOKIE_NAME)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure_setting": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
}))
"""


def test_it_sends_the_security_headers_and_secure_cookies_in_production(tmp_path):
    env = production_env(tmp_path)
    migrate = run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    assert migrate.returncode == 0, migrate.stderr
    result = run([sys.executable, "-c", PRODUCTION_REQUEST], env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    # Plain HTTP is sent to HTTPS.
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://timeline.example/admin/login/"
    assert seen["status"] == 200
    headers = seen["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert seen["csrf_cookie_secure"] is True
    assert seen["csrf_cookie_secure_setting"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["session_cookie_httponly"] is True
