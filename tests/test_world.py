"""Every country of the world is known from the start, named in each language."""

import pytest
from django.utils import translation

from timeline.models import Country
from timeline.world import add_missing_countries, iso_names

from .factories import migrate_a_fresh_database

pytestmark = pytest.mark.django_db


def test_the_migrations_bring_every_iso_country_named_in_each_language():
    migrate_a_fresh_database()
    codes = set(Country.objects.values_list("code", flat=True))
    assert set(iso_names("en")) <= codes and len(iso_names("en")) >= 249
    japan = Country.objects.get(code="JP")
    assert (japan.name, japan.name_fr) == ("Japan", "Japon")
    assert japan.history.get().history_change_reason.startswith("ISO 3166-1")
    with translation.override("fr"):
        assert str(Country.objects.get(code="DE")) == "Allemagne"


def test_curated_countries_keep_their_names_and_only_missing_ones_are_added():
    migrate_a_fresh_database()
    Country.objects.filter(code="FR").update(name="French Republic", name_fr="")
    Country.objects.filter(code="CN").delete()
    Country.objects.create(code="EU", name="European Union")  # curated, not ISO

    assert add_missing_countries(Country, Country.history.model) == 1  # China, and nothing else
    france = Country.objects.get(code="FR")
    assert (france.name, france.name_fr) == ("French Republic", "")
    china = Country.objects.get(code="CN")
    assert china.name_fr == "Chine"
    assert china.history.get().history_type == "+"  # its history starts with it
    assert Country.objects.filter(code="EU").exists()
    assert add_missing_countries(Country, Country.history.model) == 0
