"""Content in several languages: which version of a curated text a reader sees.

Curators write an event's title, summary and quote, a dispute's name and summary and a
country's name in the original language (English) and may add a French version beside it
(`title_fr`, `summary_fr`…). `localized(obj, "title")` is the one place that decides what
the active language shows: the French version on a French page when there is one, else the
original. Models expose it as properties (`event.localized_title`, `dispute.localized_name`,
`country.localized_name`) for templates, the chart and the exports.
"""

from django.conf import settings
from django.utils.translation import get_language

ORIGINAL_LANGUAGE = "en"
# The languages a text may carry a version in, beside the original: field `<name>_<code>`.
TRANSLATED_LANGUAGES = ("fr",)


def content_language(language=None):
    """'fr' for 'fr', 'fr-ca'…; the original language for anything without versions."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower().split("-")[0]
    return code if code in TRANSLATED_LANGUAGES else ORIGINAL_LANGUAGE


def shown_language(obj, field, language=None):
    """The language obj.<field> is shown in for the active (or given) language: that one
    when the text has a version in it, else the original (a fallback)."""
    code = content_language(language)
    if code != ORIGINAL_LANGUAGE:
        value = getattr(obj, f"{field}_{code}", "")
        if value and value.strip():
            return code
    return ORIGINAL_LANGUAGE


def localized(obj, field, language=None):
    """obj.<field> in the active (or given) language, falling back to the original when the
    translation is missing or blank."""
    code = shown_language(obj, field, language)
    return getattr(obj, field if code == ORIGINAL_LANGUAGE else f"{field}_{code}")


def versions(obj, field):
    """{'en': original, 'fr': French or ''} for exports that give every version."""
    return {
        ORIGINAL_LANGUAGE: getattr(obj, field),
        **{code: getattr(obj, f"{field}_{code}", "") for code in TRANSLATED_LANGUAGES},
    }
