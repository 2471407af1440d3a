import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from timeline.dataset import load_dataset
from timeline.roles import CURATOR, EDITOR

from .factories import make_user


def timeline_models():
    """Every table of the app, history and m2m link tables included, parents first."""
    return list(apps.get_app_config("timeline").get_models(include_auto_created=True))


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """`make test` compiles the translations first (`make messages`); a bare pytest run
    compiles them when a .mo file is missing or older than its .po."""
    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hashing a password the production way takes a noticeable fraction of a second; the
    tests that log in by password do not test the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curator(db):
    """Carla, a staff user in the Curator group (drafts, no publishing)."""
    return make_user("carla", CURATOR)


@pytest.fixture
def editor(db):
    """Edgar, a staff user in the Editor group (publishes, deletes, restores)."""
    return make_user("edgar", EDITOR)


@pytest.fixture(scope="session")
def dataset_snapshot(django_db_setup, django_db_blocker):
    """The shipped dataset, loaded once per run by the real loader, kept as rows.

    Loading runs every row through full_clean() and history (~1,500 queries); restoring the
    rows is one bulk insert per table, history included, so each test gets it fast.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_dataset()
        snapshot = [(model, list(rows_of(model))) for model in timeline_models()]
        transaction.set_rollback(True)
    return snapshot


def rows_of(model):
    """Every column by name: values() alone would give a translated text once, in the active
    language, without its versions (django-modeltranslation's rewrite)."""
    return model._default_manager.values(*[f.attname for f in model._meta.concrete_fields])


@pytest.fixture
def dataset(db, dataset_snapshot):
    """The shipped France–Russia dataset, as `make run` loads it."""
    # The snapshot's rows replace what the migrations made (every country, its history).
    for model, _rows in reversed(dataset_snapshot):
        model._base_manager.all()._raw_delete(connection.alias)
    for model, rows in dataset_snapshot:
        model._default_manager.bulk_create([model(**row) for row in rows])
    # Rows came with their primary keys: move the sequences past them (PostgreSQL).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), timeline_models()):
            cursor.execute(sql)


# Browser tests: Playwright drives Debian's chromium (Playwright's own browser download
# cannot run on these machines). The flags keep it from calling home on a closed network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request to /fr/… activates French in the test's thread (LocaleMiddleware does not
    switch back): start every test in the default language, whatever ran before."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: tests write rows without signals (bulk_create
    in `dataset`), so a figure cached by an earlier test could otherwise be served."""
    from django.core.cache import cache

    from timeline.caching import forget_version

    cache.clear()
    forget_version()
    yield
    cache.clear()
    forget_version()
