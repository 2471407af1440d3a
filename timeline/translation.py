"""The curated texts that have a version per language: django-modeltranslation's registry,
read at start-up, which gives each field a column per language of settings.LANGUAGES
(`title_en`, `title_fr`, `title_ru`…). What a reader sees is decided in timeline/languages.py.

django-modeltranslation was chosen over django-parler: its versions are columns of the row
itself, so the hot path (the chart reads thousands of events) needs no join and no query per
language, and the admin lays the versions out side by side without tabs loaded from a CDN.
The price is a migration per new language (`makemigrations` writes it); parler needs none
but keeps the versions in a table of their own, joined or prefetched on every read.

Their history is registered here, after the columns exist (simple-history's way with
modeltranslation), so that a version in the history keeps the texts in every language and a
revert brings them all back.
"""

import simple_history
from django.db.models.signals import pre_save
from modeltranslation.translator import TranslationOptions, translator

from .languages import ORIGINAL_LANGUAGE, version
from .models import Country, Dispute, Event, Organization, Person, Place, Tag


class NameOptions(TranslationOptions):
    # People too: names are transliterated differently in each language ("Poutine").
    fields = ("name",)
    required_languages = {ORIGINAL_LANGUAGE: ("name",)}


class DisputeOptions(TranslationOptions):
    fields = ("name", "summary")
    required_languages = {ORIGINAL_LANGUAGE: ("name",)}


class EventOptions(TranslationOptions):
    fields = ("title", "summary", "quote")
    required_languages = {ORIGINAL_LANGUAGE: ("title",)}


REGISTRY = [
    (Country, NameOptions, {}),
    (Person, NameOptions, {}),
    (Organization, NameOptions, {}),
    (Place, NameOptions, {}),
    (Tag, NameOptions, {}),
    (Dispute, DisputeOptions, {"m2m_fields": ["parties"]}),
    # search_text is derived from the texts (timeline/search.py): not history.
    (
        Event,
        EventOptions,
        {
            "m2m_fields": ["countries", "about", "disputes", "tags"],
            "excluded_fields": ["search_text"],
        },
    ),
]


def keep_original_column(sender, instance, **kwargs):
    """The untranslated column (`title`) holds the original text, as the unique and
    not-null constraints on it expect; modeltranslation leaves it as last assigned."""
    for field in translator.get_options_for_model(sender).fields:
        instance.__dict__[field] = version(instance, field, ORIGINAL_LANGUAGE)


for model, options, history in REGISTRY:
    translator.register(model, options)
    simple_history.register(model, app="timeline", **history)
    pre_save.connect(keep_original_column, sender=model, dispatch_uid=f"original-{model.__name__}")
