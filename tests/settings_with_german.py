"""The project's settings plus one language: what a deployment adding German would run."""

from diplomacy_site.settings import *  # noqa: F403

LANGUAGES = [*LANGUAGES, ("de", "Deutsch")]  # noqa: F405
