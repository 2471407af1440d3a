"""Data versions per country: an edit empties the cache of the pairs it touches, and only
theirs (timeline/caching.py, timeline/change_scope.py)."""

import json
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timeline import caching, selectors
from timeline.models import Country, Event, Participation, Place, Source

from . import factories as f
from .pages import figure_of

pytestmark = pytest.mark.django_db

PAIRS = {"FR-RU": ["FR", "RU"], "DE-UA": ["DE", "UA"], "FR-UA": ["FR", "UA"]}


@pytest.fixture
def two_pairs():
    """One event of France–Russia and one of Germany–Ukraine."""
    return f.event("Paris meeting", date(2015, 1, 1)), f.event(
        "Kyiv call", date(2015, 2, 1), countries=("DE", "UA")
    )


def versions():
    caching.forget_version()  # as a new request would
    return {pair: caching.data_version(codes) for pair, codes in PAIRS.items()} | {
        "*": caching.data_version()
    }


def changed_pairs(change):
    before = versions()
    change()
    after = versions()
    return {pair for pair in before if before[pair] != after[pair]}


def test_an_edit_to_one_pair_leaves_the_other_pairs_version_alone(two_pairs):
    paris, _kyiv = two_pairs

    def retitle():
        paris.title = "Paris summit"
        paris.save()

    assert changed_pairs(retitle) == {"FR-RU", "FR-UA"}  # France's pairs, not Germany–Ukraine


FRANCE = {"FR-RU", "FR-UA"}  # the pairs of France or Russia among PAIRS
ALL_THREE = {"FR-RU", "FR-UA", "DE-UA"}


def set_and_save(row, **fields):
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


CHANGES = {  # name: (change(paris, kyiv, term, dispute), pairs whose version it changes)
    "unpublish": (lambda p, k, t, d: set_and_save(p, state=Event.State.DRAFT), FRANCE),
    "delete": (lambda p, k, t, d: p.delete(), FRANCE),
    "move to DE-UA": (
        lambda p, k, t, d: p.countries.set(Country.objects.filter(code__in=["DE", "UA"])),
        ALL_THREE,
    ),
    "country side remove": (
        lambda p, k, t, d: Country.objects.get(code="RU").events.remove(p),
        FRANCE,
    ),
    "country side clear": (
        lambda p, k, t, d: Country.objects.get(code="RU").events.clear(),
        FRANCE,
    ),
    "tag": (lambda p, k, t, d: p.tags.add(f.tag("energy")), FRANCE),
    "participant": (
        lambda p, k, t, d: Participation.objects.create(event=p, person=f.person("A. Diplomat")),
        FRANCE,
    ),
    "source moved to DE-UA": (lambda p, k, t, d: set_and_save(p.sources.get(), event=k), ALL_THREE),
    "source delete": (lambda p, k, t, d: Source.objects.filter(event=p).delete(), FRANCE),
    "office term": (
        lambda p, k, t, d: set_and_save(t, office="Président de la République"),
        FRANCE,
    ),
    "office term moved to Ukraine": (
        lambda p, k, t, d: set_and_save(t, country=Country.objects.get(code="UA")),
        ALL_THREE,
    ),
    "dispute gets a party": (
        lambda p, k, t, d: d.parties.add(Country.objects.get(code="FR")),
        ALL_THREE,
    ),
    "event joins a dispute": (lambda p, k, t, d: p.disputes.add(d), ALL_THREE),
    "event about Ukraine": (
        lambda p, k, t, d: p.about.add(Country.objects.get(code="UA")),
        ALL_THREE,
    ),
    "country side about clear": (
        lambda p, k, t, d: (
            p.about.add(Country.objects.get(code="UA"))
            or Country.objects.get(code="UA").events_about.clear()
        ),
        ALL_THREE,
    ),
    "dispute renamed": (
        lambda p, k, t, d: set_and_save(d, name="War in Donbas"),
        {"DE-UA", "FR-UA"},
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_kind_of_change_touches_the_pairs_it_shows_on_and_no_other(two_pairs, change):
    paris, kyiv = two_pairs
    term = f.term("Emmanuel Macron", "President of France", "FR", date(2017, 5, 14))
    dispute = f.dispute("donbas", date(2014, 4, 6), parties=("DE", "UA"))
    f.tag("energy"), f.person("A. Diplomat")  # made beforehand: a new tag or person is global
    make_change, touched = CHANGES[change]
    assert changed_pairs(lambda: make_change(paris, kyiv, term, dispute)) == touched


GLOBAL_CHANGES = {
    "country renamed": lambda: set_and_save(Country.objects.get(code="DE"), name="Deutschland"),
    "person renamed": lambda: set_and_save(f.person("Emmanuel Macron", "FR"), name="E. Macron"),
    "tag renamed": lambda: set_and_save(f.tag("energy"), name="Energy"),
    "place added": lambda: Place.objects.create(name="Minsk"),
}


@pytest.mark.parametrize("change", GLOBAL_CHANGES)
def test_a_change_every_timeline_may_show_changes_the_global_version(two_pairs, change):
    f.person("Emmanuel Macron", "FR")
    f.tag("energy")
    assert changed_pairs(GLOBAL_CHANGES[change]) == ALL_THREE | {"*"}


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), json.dumps(figure_of(response), ensure_ascii=False)


def test_an_edit_to_france_russia_keeps_another_pairs_page_in_the_cache(client, two_pairs):
    paris, _kyiv = two_pairs
    cache.clear()
    cold, _figure = queries(client, "/?pair=DE-UA")
    warm, _figure = queries(client, "/?pair=DE-UA")
    assert warm == 1  # the whole page from the cache: only the data version is read
    queries(client, "/?pair=FR-RU")
    set_and_save(paris, title="Paris summit")
    # Germany–Ukraine: the page is rendered again (its pairs' list counts France's and
    # Russia's pairs), but its figure and list come from the cache.
    after_edit, figure = queries(client, "/?pair=DE-UA")
    assert "Kyiv call" in figure and after_edit <= cold - 5
    # France–Russia is rebuilt, and shows the edit.
    rebuilt, figure = queries(client, "/?pair=FR-RU")
    assert "Paris summit" in figure and rebuilt > after_edit + 5


def test_the_pairs_list_is_recounted_after_an_edit_and_right(two_pairs):
    paris, _kyiv = two_pairs
    assert {p.code: p.events for p in selectors.pairs_with_events()} == {"FR-RU": 1, "DE-UA": 1}
    f.event("Berlin talks", date(2016, 1, 1), countries=("DE", "UA"))
    paris.countries.add(Country.objects.get(code="UA"))
    caching.forget_version()
    assert {p.code: p.events for p in selectors.pairs_with_events()} == {
        "DE-UA": 2,
        "FR-RU": 1,
        "FR-UA": 1,
        "RU-UA": 1,
    }
    paris.state = Event.State.DRAFT
    paris.save()
    caching.forget_version()
    assert {p.code: p.events for p in selectors.pairs_with_events()} == {"DE-UA": 2}


def test_a_bulk_write_changes_every_version(two_pairs):
    assert changed_pairs(caching.data_changed) == {"FR-RU", "DE-UA", "FR-UA", "*"}


def test_the_filters_offer_the_people_and_tags_of_the_pair_shown(client, two_pairs):
    paris, kyiv = two_pairs
    paris.tags.add(f.tag("energy"))
    kyiv.tags.add(f.tag("gas-transit"))
    Participation.objects.create(event=kyiv, person=f.person("Angela Merkel", "DE"), role="host")
    fr_ru = client.get("/?pair=FR-RU").text
    de_ua = client.get("/?pair=DE-UA").text
    assert 'value="energy"' in fr_ru and 'value="gas-transit"' not in fr_ru
    assert 'value="gas-transit"' in de_ua and 'value="angela-merkel"' in de_ua
    assert 'value="angela-merkel"' not in fr_ru
    # A person of another pair asked for in the URL stays shown as chosen (0 events).
    asked = client.get("/?pair=FR-RU&person=angela-merkel")
    assert asked.status_code == 200
    assert 'value="angela-merkel" selected' in asked.text


def test_an_event_about_a_country_counts_on_that_pair(two_pairs):
    paris, _kyiv = two_pairs
    paris.about.add(f.country("UA"))
    caching.forget_version()
    # Paris involves France and Russia, and is about Ukraine: on the pairs of Ukraine with each.
    assert {p.code: p.events for p in selectors.pairs_with_events()} == {
        "FR-RU": 1,
        "DE-UA": 1,
        "FR-UA": 1,
        "RU-UA": 1,
    }
    assert list(selectors.matching_events({"pair": "FR-UA"})) == [paris]
    # The zoomed window checks the pair event by event: the same answer.
    assert list(
        selectors.matching_events({"pair": "FR-UA"}, (date(2015, 1, 1), date(2015, 1, 31)))
    ) == [paris]
