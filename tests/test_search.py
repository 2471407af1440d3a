"""Search finds words whatever their case and accents, in Latin and Cyrillic, in every
language's texts, on SQLite and PostgreSQL alike (the suite runs on both)."""

from datetime import date

import pytest
from django.urls import reverse

from timeline import search
from timeline.interchange.timelinejs_import import prepare_import, write_import
from timeline.models import Event, Place

from . import factories as f

pytestmark = pytest.mark.django_db
API = reverse("timeline:api-events")


def found(client, query):
    response = client.get(API, {"q": query})
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def texts(db):
    return {
        "elysee": f.event("Macron receives Putin at the Élysée", date(2017, 5, 29)),
        "forum": f.event(
            "Economic forum",
            date(2016, 6, 17),
            summary="<p>The <b>Петербургский</b> международный экономический форум.</p>",
        ),
        "fort": f.event("Summer talks", date(2019, 8, 19), place="Fort de Brégançon"),
        "french": f.event("Phone call", date(2017, 7, 3), title_fr="Appel à l’Élysée"),
        "other": f.event("Versailles meeting", date(2017, 5, 30)),
    }


@pytest.mark.parametrize("query", ["Élysée", "élysée", "elysee", "ELYSÉE", "ÉLYSÉE", "Elysée"])
def test_accents_and_case_do_not_matter_in_latin_script(client, texts, query):
    assert sorted(found(client, query)) == ["Macron receives Putin at the Élysée", "Phone call"]


@pytest.mark.parametrize("query", ["Петербургский", "петербургский", "ПЕТЕРБУРГСКИЙ", "петербург"])
def test_case_does_not_matter_in_cyrillic_and_markup_is_not_searched(client, texts, query):
    assert found(client, query) == ["Economic forum"]
    assert found(client, "<b>") == []


@pytest.mark.parametrize("query", ["Brégançon", "bregancon", "BREGANÇON"])
def test_places_are_found_by_their_name(client, texts, query):
    assert found(client, query) == ["Summer talks"]


def test_every_word_must_be_found_and_a_word_may_be_part_of_one(client, texts):
    assert found(client, "versail") == ["Versailles meeting"]
    assert found(client, "macron putin") == ["Macron receives Putin at the Élysée"]
    assert found(client, "macron hollande") == []


def test_the_best_matches_come_first(client, db):
    f.event("Talks", date(2015, 1, 1), summary="A word on the zeppelin.")
    f.event("Zeppelin deal", date(2017, 1, 1))
    assert found(client, "zeppelin") == ["Zeppelin deal", "Talks"]  # the title first
    assert found(client, "") == ["Talks", "Zeppelin deal"]  # no search: in time order


def test_the_dashboard_finds_the_same(client, texts):
    page = client.get(reverse("timeline:dashboard"), {"q": "bregancon"}).text
    assert "Summer talks" in page and "Versailles meeting" not in page


def test_a_renamed_place_is_found_by_its_new_name(client, texts):
    place = Place.objects.get(name="Fort de Brégançon")
    place.name = "Château de Vincennes"
    place.save()
    assert found(client, "vincennes") == ["Summer talks"]
    assert found(client, "bregancon") == []


def test_an_edit_is_found_at_once_and_history_keeps_no_search_text(client, texts):
    event = texts["other"]
    event.summary = "Talks on Kyiv"
    event.save(update_fields=["summary"])
    assert found(client, "kyiv") == ["Versailles meeting"]
    assert "search_text" not in {f.name for f in Event.history.model._meta.fields}


def test_imported_events_are_found(client, db):
    f.country("FR"), f.country("RU")
    sheet = "Year,Month,Day,Headline,Text,Media\n2019,8,19,Rencontre à Brégançon,,https://example.org/b\n"
    write_import(prepare_import(sheet, pair="FR-RU", publish=True))
    assert found(client, "BREGANCON") == ["Rencontre à Brégançon"]


def test_folding_takes_off_accents_and_case_in_both_scripts():
    assert search.fold("  Élysée  ÇA ") == "elysee ca"
    assert search.fold("Ёлка ПЕТЕРБУРГ") == search.fold("елка петербург")
