"""Browser tests of the dashboard: Playwright drives Debian's Chromium (see tests/conftest.py)
against pytest-django's live server, with the shipped dataset loaded by the real loader."""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from playwright.sync_api import expect

from timeline.dataset import load_dataset
from timeline.roles import sync_groups

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture(scope="session", autouse=True)
def static_files_as_in_production():
    """Serve static files as production does: WhiteNoise, hashed names from STATIC_ROOT.

    The live server's own static handler looks files up by their source names and cannot
    find the hashed names the manifest storage writes into pages, so it steps aside here.
    `make test` collects the files first; a bare pytest run collects them if missing."""
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    with mock.patch.object(StaticFilesHandler, "_should_handle", lambda self, path: False):
        yield


@pytest.fixture(scope="session")
def migrated_apps():
    """The models as the migrations know them, for re-running a data migration."""
    return MigrationLoader(None, ignore_no_migrations=True).project_state().apps


@pytest.fixture(scope="module")
def migration_data_after_flush(migrated_apps, django_db_setup, django_db_blocker):
    """Put back what the data migration wrote (the curators' groups) once the live-server
    tests have flushed every table: pytest runs these browser tests (a session-scoped
    parametrized browser) before the plain database tests that expect those rows. Module
    scope, so torn down after the last test's flush (a function fixture would run before
    pytest-django's flush)."""
    yield
    with django_db_blocker.unblock():
        sync_groups(migrated_apps)


@pytest.fixture
def shipped_dataset(migration_data_after_flush, transactional_db):
    """The live server runs in another thread: the rows must be committed, not wrapped in a
    test transaction, so the loader runs for real here."""
    return load_dataset()


@pytest.fixture
def open_page(page, live_server, shipped_dataset):
    """Open a path of the live server; after the test, check that the Content Security
    Policy was never violated and no script failed."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(CSP_LISTENER)

    def open_(path="/", *, chart=True):
        page.goto(live_server.url + path)
        if chart:
            expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached(timeout=10_000)
        return page

    yield open_
    if not page.is_closed() and page.url.startswith(live_server.url):
        assert page.evaluate("window.__cspViolations || []") == []
    assert errors == []
