"""Content in several languages: which version of a curated text a reader sees.

A curated text (an event's title, summary and quote, a dispute's name and summary, the name
of a country, a person or a tag) has a version per language of settings.LANGUAGES, in the
columns django-modeltranslation adds (`title_en`, `title_fr`, `title_ru`…; registered in
timeline/translation.py). English, the original, is required; the others may be empty, and
an empty one shows the original (MODELTRANSLATION_FALLBACK_LANGUAGES). `localized(obj,
"title")` is the one place that decides what the active language shows; models expose it as
properties (`event.localized_title`…) for templates, the chart and the exports, and
`versions(obj, "title")` gives every language's version for the exports that give them all.
"""

import functools

from django.conf import settings
from django.utils.translation import get_language, override
from modeltranslation.utils import resolution_order

ORIGINAL_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def codes():
    """['en', 'fr', 'ru']: every language of the site, the original first."""
    others = [code for code, _name in settings.LANGUAGES if code != ORIGINAL_LANGUAGE]
    return [ORIGINAL_LANGUAGE, *others]


def translated_codes():
    """The languages a text may have a version in beside the original."""
    return codes()[1:]


def columns(field):
    """('title_en', 'title_fr', 'title_ru'): the columns of a text's versions, original first
    (a tuple: the admin lays a tuple of fields out as one row)."""
    return tuple(f"{field}_{code}" for code in codes())


def exported_name(field, code):
    """How exports and imports name a version: 'title' for the original, 'title_fr'…"""
    return field if code == ORIGINAL_LANGUAGE else f"{field}_{code}"


def content_language(language=None):
    """'fr' for 'fr', 'fr-ca'…; the original language for anything without versions."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower().split("-")[0]
    return code if code in codes() else ORIGINAL_LANGUAGE


def version(obj, field, code):
    """obj's `field` in language `code` as stored: '' when it has none."""
    return getattr(obj, f"{field}_{code}", None) or ""


def shown_language(obj, field, language=None):
    """The language obj.<field> is shown in for the active (or given) language: that one
    when the text has a version in it, else the first fallback that has one."""
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    for code in resolution_order(content_language(language), {"default": fallbacks}):
        if version(obj, field, code).strip():
            return code
    return ORIGINAL_LANGUAGE


def localized(obj, field, language=None):
    """obj.<field> in the active (or given) language, falling back to the original when the
    translation is missing or blank."""
    return version(obj, field, shown_language(obj, field, language))


def versions(obj, field):
    """{'en': original, 'fr': French or '', 'ru': …} for exports that give every version."""
    return {code: version(obj, field, code) for code in codes()}


# For code that writes curated texts through their plain names (`event.title = …`, the
# TimelineJS importer, the synthetic data): those names then mean the original's column,
# whatever the language of the request (a curator on /fr/admin/ imports English sheets).
def in_original_language(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with override(ORIGINAL_LANGUAGE):
            return function(*args, **kwargs)

    return wrapper
