"""Every country of the world, known from the start: ISO 3166-1 as django-countries keeps it.

django-countries was chosen over pycountry: its names are the ones readers use ("Russia",
"Syria", not ISO's "Russian Federation", "Syrian Arab Republic"), and they are translated
through Django's own gettext catalogues in every language Django speaks, so a new entry in
LANGUAGES finds its country names already there.

A curator never types a country in: a migration adds the missing ones (with their names in
the original language and in each translated one), and `add_missing_countries` can run
again when a new django-countries release brings a new country. Curated rows (their names
may differ, "European Union" is not ISO) are left as they are.
"""

from django.utils import timezone, translation
from django_countries import countries as iso_countries

from .languages import ORIGINAL_LANGUAGE, codes

REASON = "ISO 3166-1 country (django-countries)"


def iso_names(language):
    """{'DE': 'Allemagne', …}: every ISO 3166-1 alpha-2 code, named in `language`."""
    with translation.override(language):
        return {code: str(name) for code, name in iso_countries}


def add_missing_countries(country_model, history_model):
    """Create the ISO countries the table lacks, each with its first history record;
    returns how many. The models are the real ones or, in a migration, their versions of
    that time (Country and HistoricalCountry)."""
    # In a migration, the model has the name columns of its time: fill those it has.
    columns = {f.name for f in country_model._meta.get_fields()}
    languages = [code for code in codes() if f"name_{code}" in columns]
    names = {language: iso_names(language) for language in languages}
    known = set(country_model.objects.values_list("code", flat=True))
    missing = [
        country_model(
            code=code,
            name=name,
            **{f"name_{language}": names[language][code] for language in languages},
        )
        for code, name in iso_names(ORIGINAL_LANGUAGE).items()
        if code not in known
    ]
    made = country_model.objects.bulk_create(missing)
    if len(made) and made[0].pk is None:  # a backend that returns no ids from bulk_create
        made = country_model.objects.filter(code__in=[c.code for c in missing])
    now = timezone.now()
    history_model.objects.bulk_create(
        history_model(
            **{f.attname: getattr(country, f.attname) for f in country_model._meta.concrete_fields},
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )
        for country in made
    )
    return len(missing)
