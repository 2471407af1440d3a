"""Russian, the third language: the interface and its plurals, dates in Russian grammar,
the shipped dataset's texts, the chart and its hovers, the embed and oEmbed — and no
English word a Russian reader would see."""

import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import translation

from timeline.chart_text import counted_kind
from timeline.dates import Precision, format_date, format_span
from timeline.models import Dispute, Event, Organization, Source

from .pages import figure_of

pytestmark = pytest.mark.django_db

VERSAILLES = "2017-05-29-versailles-meeting"


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((date(2017, 5, 29),), {}, "29 мая 2017 г."),
        ((date(2017, 5, 1),), {}, "1 мая 2017 г."),
        ((date(2016, 10, 1), Precision.MONTH), {}, "октябрь 2016 г."),
        ((date(2016, 1, 1), Precision.YEAR), {}, "2016 г."),
    ],
)
def test_a_date_is_written_in_russian_grammar(args, kwargs, expected):
    with translation.override("ru"):
        assert format_date(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((date(2012, 5, 7), None), {"open_end": True}, "с 7 мая 2012 г."),
        ((date(2016, 10, 1), None, Precision.MONTH), {"open_end": True}, "с октября 2016 г."),
        ((date(2017, 5, 26), date(2017, 5, 27)), {}, "26–27 мая 2017 г."),
        ((date(2012, 5, 15), date(2017, 5, 14)), {}, "15 мая 2012 г. – 14 мая 2017 г."),
    ],
)
def test_a_span_is_written_in_russian_grammar(args, kwargs, expected):
    with translation.override("ru"):
        assert format_span(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "n, events, meetings",
    [
        (1, "1 событие", "1 встреча"),
        (2, "2 события", "2 встречи"),
        (5, "5 событий", "5 встреч"),
        (11, "11 событий", "11 встреч"),
        (21, "21 событие", "21 встреча"),
        (24, "24 события", "24 встречи"),
    ],
)
def test_counts_take_the_russian_plural_forms(n, events, meetings):
    with translation.override("ru"):
        assert translation.ngettext("%(n)d event", "%(n)d events", n) % {"n": n} == events
        assert counted_kind(Event.Kind.MEETING, n) == meetings


def visible_text(html):
    """What a reader sees: the text outside tags, scripts and styles, and the labels
    screen readers read (aria-label, alt, title, placeholder)."""
    # Scripts, styles and the embed code (code to copy, not text to read) left out.
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    labels = re.findall(r'(?:aria-label|alt|title|placeholder)="([^"]*)"', html)
    return unescape(" ".join([re.sub(r"<[^>]+>", " ", html), *labels]))


def latin_words(text):
    return set(re.findall(r"\b[A-Za-z][A-Za-z’']+\b", text))


def proper_names():
    """Latin-script words a Russian page may show: the sources' publishers, authors, titles
    and quoted passages (an event's sources, in their own words) and addresses, the other
    languages' names in the switcher (each in its own language), the names of formats and
    licence."""
    words = {"CSV", "JSON", "API", "TimelineJS", "Atom", "CC", "BY", "oEmbed", "Plotly", "Ctrl"}
    words |= {"PNG", "SVG", "BibTeX", "RIS", "CSL"}
    words |= latin_words(" ".join(name for _code, name in settings.LANGUAGES))
    # Addresses are code (the printed list gives each source's URL).
    for texts in Source.objects.values_list("publisher", "author", "title", "quote", "url"):
        words |= latin_words(" ".join(texts))
    # Brands Russian writes in Latin letters too (RT, Sputnik): the same name in Russian.
    words |= latin_words(
        " ".join(
            Organization.objects.filter(name_ru=F("name_en")).values_list("name_ru", flat=True)
        )
    )
    return words


def test_the_russian_dashboard_is_russian_throughout(client, dataset):
    response = client.get("/ru/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="ru">' in html
    assert '<h1 id="view-heading">Франция – Россия' in html
    assert Event.objects.get(slug=VERSAILLES).title_ru in html
    assert Dispute.objects.get(slug="syria").name_ru in html
    assert re.search(r'<time datetime="2017-05-29">29 мая 2017 г\.</time>', html)
    assert "plotly-locale-ru-4" in html
    figure = figure_of(response)
    hovers = " ".join(
        text
        for trace in figure["data"]
        for key in ("hovertext", "text")
        for text in (trace.get(key) or [])
        if isinstance(text, str)
    )
    lanes = " ".join(figure["layout"]["yaxis"]["ticktext"])
    seen = visible_text(html) + " " + unescape(re.sub(r"<[^>]+>", " ", hovers + " " + lanes))
    english = latin_words(seen) - proper_names()
    assert not english, sorted(english)


def test_the_russian_event_page_and_embed_are_russian(client, dataset):
    event = Event.objects.get(slug=VERSAILLES)
    html = client.get(f"/ru/events/{VERSAILLES}/").text
    assert f'<h1 id="event-title" class="event-title">{event.title_ru}</h1>' in html
    assert "29 мая 2017 г." in html and event.summary_ru[:40] in html
    english = latin_words(visible_text(html)) - proper_names()
    assert not english, sorted(english)

    embed = client.get("/ru/embed/", {"dispute": "syria"}).text
    assert '<html lang="ru">' in embed and 'href="/ru/?dispute=syria"' in embed
    english = latin_words(visible_text(embed)) - proper_names()
    assert not english, sorted(english)


def test_the_embed_code_and_oembed_of_a_russian_page_are_russian(client, dataset):
    syria = Dispute.objects.get(slug="syria").name_ru
    body = client.get("/oembed/", {"url": "http://testserver/ru/?dispute=syria"}).json()
    assert 'src="http://testserver/ru/embed/?dispute=syria"' in body["html"]
    assert body["title"].startswith(f"Франция – Россия · {syria}")
    html = client.get("/ru/", {"dispute": "syria"}).text
    code = unescape(
        unescape(re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html, re.S).group(1))
    )
    assert 'src="http://testserver/ru/embed/?dispute=syria"' in code
    assert f"Франция – Россия · {syria}" in code


def test_the_switcher_offers_the_three_languages(client, dataset):
    html = client.get("/ru/", {"dispute": "syria"}).text
    nav = re.search(r'<nav id="language-switch".*?</nav>', html, re.S).group(0)
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav))
    assert {unescape(href): code for href, code in links.items()} == {
        "/?dispute=syria": "en",
        "/fr/?dispute=syria": "fr",
    }
    assert 'aria-current="true"' in nav or 'aria-current="page"' in nav


def test_the_api_gives_the_russian_versions_beside_the_others(client, dataset):
    record = next(
        r for r in client.get("/ru/api/events/").json()["results"] if r["slug"] == VERSAILLES
    )
    event = Event.objects.get(slug=VERSAILLES)
    assert record["title"] == event.title_en and record["title_ru"] == event.title_ru
    assert record["summary_ru"] == event.summary_ru and record["title_fr"] == event.title_fr
    assert "мая 2017" in record["date_display"]


def test_the_admin_keeps_djangos_own_russian_words(admin_client, dataset):
    """The project's catalogue must not shadow Django's: the chart's "All" (the whole time
    span) is «Весь период», the admin filters' "All" stays Django's «Все»."""
    html = admin_client.get("/ru/admin/timeline/event/").text
    assert ">Все</a>" in html and "Весь период" not in html
    assert "Весь период" in admin_client.get("/ru/").text
