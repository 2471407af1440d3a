"""Every template compiles: a typo in a tag or a filter fails here, not on the page that
happens to use it (Django loads templates lazily)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template

TEMPLATES = Path(settings.BASE_DIR, "templates")
NAMES = sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


def test_the_project_has_templates():
    assert len(NAMES) > 10


@pytest.mark.parametrize("name", NAMES)
def test_the_template_compiles(name):
    get_template(name)
