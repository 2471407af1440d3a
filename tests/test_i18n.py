"""French and English: the interface, dates, chart and content in the language of the URL
(/fr/… French, unprefixed English), the French versions of curated texts with their
fallback, the API's two versions, the language switcher and embedding from a French page."""

import json
import re
from datetime import date
from html import unescape

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from timeline.dates import Precision, format_date, format_span
from timeline.languages import localized
from timeline.models import Dispute, Event

from . import factories as f
from .pages import HTMX, figure_of

pytestmark = pytest.mark.django_db

NB = "\u00a0"


def switcher_link(html, code):
    nav = re.search(r'<nav id="language-switch".*?</nav>', html, re.S)
    assert nav, "no language switcher"
    match = re.search(rf'<a href="([^"]+)" hreflang="{code}"', nav.group(0))
    assert match, f"no link to {code} in the switcher"
    return unescape(match.group(1))


# ---- Dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, value, precision, expected",
    [
        ("en", date(2016, 10, 1), Precision.MONTH, "October 2016"),
        ("fr", date(2016, 10, 1), Precision.MONTH, "octobre 2016"),
        ("en", date(2017, 5, 29), Precision.DAY, "29 May 2017"),
        ("fr", date(2017, 5, 29), Precision.DAY, "29 mai 2017"),
        ("fr", date(2017, 5, 1), Precision.DAY, "1er mai 2017"),
        ("en", date(2017, 5, 1), Precision.DAY, "1 May 2017"),
        ("fr", date(2016, 1, 1), Precision.YEAR, "2016"),
        ("fr", date(2017, 2, 14), Precision.DAY, "14 février 2017"),
    ],
)
def test_it_writes_a_date_in_its_precision_and_the_active_language(
    language, value, precision, expected
):
    with translation.override(language):
        assert format_date(value, precision) == expected


@pytest.mark.parametrize(
    "language, args, kwargs, expected",
    [
        ("fr", (date(2017, 5, 26), date(2017, 5, 27)), {}, "26–27 mai 2017"),
        ("fr", (date(2017, 5, 1), date(2017, 5, 3)), {}, "1er–3 mai 2017"),
        ("fr", (date(2012, 5, 7), None), {"open_end": True}, "depuis le 7 mai 2012"),
        (
            "fr",
            (date(2016, 10, 1), None, Precision.MONTH),
            {"open_end": True},
            "depuis octobre 2016",
        ),
        ("fr", (date(2012, 5, 15), date(2017, 5, 14)), {}, "15 mai 2012 – 14 mai 2017"),
        ("en", (date(2012, 5, 7), None), {"open_end": True}, "since 7 May 2012"),
        ("en", (date(2017, 5, 26), date(2017, 5, 27)), {}, "26–27 May 2017"),
    ],
)
def test_it_writes_a_span_in_the_active_language(language, args, kwargs, expected):
    with translation.override(language):
        assert format_span(*args, **kwargs) == expected


# ---- The French pages --------------------------------------------------------------------


def test_the_french_dashboard_is_french(client, dataset):
    response = client.get("/fr/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    assert '<h1 id="view-heading">France – Russie' in html
    assert f"{NB}: les relations, événement par événement" in html
    for label in (
        "Filtres",
        "Appliquer les filtres",
        "Types d’événement",
        "Intégrer cette vue",
        "Chronologie",
    ):
        assert label in html, label
    # Titles, dispute names and tag names in French.
    assert "Macron reçoit Poutine à Versailles" in html
    assert ">Syrie et Alep</option>" in html
    assert ">guerre en Syrie</option>" in html
    page = re.sub(r'<script id="timeline-figure".*?</script>', "", html, flags=re.S)
    assert "Macron hosts Putin at Versailles" not in page
    assert re.search(r'<time datetime="2017-05-29">29 mai 2017</time>', html)
    assert re.search(
        r'<time datetime="2017-04-01">1er avril 2017</time>', html
    )  # French for the 1st
    assert re.search(r"\d+ événements", html)
    # Every link stays in French.
    assert 'action="/fr/"' in html and 'data-event-url="/fr/events/__slug__/"' in html
    assert 'href="/fr/events/2017-05-29-versailles-meeting/"' in html
    assert 'href="/events/' not in html


def test_the_english_dashboard_stays_english(client, dataset):
    html = client.get("/").text
    assert '<html lang="en">' in html and '<h1 id="view-heading">France – Russia' in html
    assert "Macron hosts Putin at Versailles" in html and "Macron reçoit Poutine" not in html
    assert "29 May 2017" in html and "mai 2017" not in html
    assert "plotly-locale" not in html


def test_the_french_chart_speaks_french(client, dataset):
    response = client.get("/fr/")
    figure = figure_of(response)
    layout = figure["layout"]
    buttons = re.findall(
        r'<button type="button" data-range="[^"]+" disabled>([^<]+)</button>', response.text
    )
    assert buttons == ["1 an", "5 ans", "Tout"]
    assert 'aria-label="Légende"' in response.text and "Déclaration</li>" in response.text
    assert "Température des relations" in layout["annotations"][0]["text"]
    lanes = layout["yaxis"]["ticktext"]
    assert "Déclaration" in lanes and "Rencontre" in lanes and "Différends" in lanes
    dispute_labels = [
        text.strip() for t in figure["data"] if t.get("meta") == "bar-labels" for text in t["text"]
    ]
    assert any(label.startswith("Syrie et Alep") for label in dispute_labels)
    assert "depuis le 7 mai 2012" in json.dumps(figure, ensure_ascii=False)  # Putin's term
    hovers = [
        h
        for t in figure["data"]
        if t.get("meta") in ("events", "events-cancelled")
        for h in t["hovertext"]
    ]
    assert any("Macron reçoit Poutine" in h for h in hovers)
    assert not any("Macron hosts Putin" in h for h in hovers)
    # plotly.js writes the axis's months: the page loads its French locale before our script.
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', response.text)
    names = [s.split("/")[-1].split(".")[0] for s in scripts]
    assert names == [
        "htmx-4",
        "plotly-timeline-4",
        "plotly-locale-fr-4",
        "chart",
        "page",
        "picture",
        "embed-code",
        "cite",
    ]
    description = re.search(
        r'<figcaption id="chart-description"[^>]*>(.*?)</figcaption>', response.text, re.S
    )
    described = unescape(description.group(1))
    assert "Chronologie des relations France – Russie du" in described
    assert f"Au pouvoir{NB}: France{NB}: " in described and f"; Russie{NB}: " in described


def test_the_french_event_page_is_french(client, dataset):
    response = client.get("/fr/events/2017-05-29-versailles-meeting/")
    assert response.status_code == 200
    html = response.text
    assert (
        '<h1 id="event-title" class="event-title">Macron reçoit Poutine à Versailles</h1>' in html
    )
    assert "29 mai 2017" in html and "← Retour à la chronologie" in html
    assert ">Rencontre</span>" in html and "<dt>Ton</dt>" in html
    # The summary has no French version yet: the original is shown.
    assert Event.objects.get(slug="2017-05-29-versailles-meeting").summary[:40] in html


def test_a_month_precision_date_is_french_on_the_pages(client, db):
    event = f.event("Report on Chechnya", date(2017, 4, 1), date_precision=Precision.MONTH)
    html = client.get(f"/fr/events/{event.slug}/").text
    assert '<time datetime="2017-04-01">avril 2017</time>' in html
    assert "(date connue au mois près)" in html
    assert '<time datetime="2017-04-01">avril 2017</time>' in client.get("/fr/").text
    assert '<time datetime="2017-04-01">April 2017</time>' in client.get("/").text


def test_filter_errors_are_french_on_french_pages(client, dataset):
    response = client.get("/fr/", {"from": "demain", "kind": "picnic"})
    assert response.status_code == 400
    html = unescape(response.text)
    assert (
        f'<a href="#id_from">Du</a>{NB}: «{NB}from{NB}» doit être une date écrite AAAA-MM-JJ.'
        in html
    )
    assert f"kind inconnu{NB}: «{NB}picnic{NB}»." in html
    # The English page still says it in English.
    assert "“from” must be a date written YYYY-MM-DD" in client.get("/", {"from": "demain"}).text


# ---- Fallbacks ---------------------------------------------------------------------------


def test_the_french_version_falls_back_to_the_original(client, db):
    with_fr = f.event(
        "Macron hosts Putin",
        date(2017, 5, 29),
        title_fr="Macron reçoit Poutine",
        summary="They met.",
        summary_fr="Ils se sont rencontrés.",
        quote="We talked.",
    )
    without = f.event("Only in English", date(2017, 5, 30), title_fr="  ")
    dispute = f.dispute("syria", date(2015, 9, 30), name="Syria and Aleppo")

    with translation.override("fr"):
        assert with_fr.localized_title == "Macron reçoit Poutine"
        assert without.localized_title == "Only in English"  # blank counts as missing
        assert with_fr.localized_quote == "We talked."
        assert str(dispute) == dispute.localized_name == "Syria and Aleppo"
        assert localized(with_fr, "summary") == "Ils se sont rencontrés."
    with translation.override("en"):
        assert with_fr.localized_title == "Macron hosts Putin"
        assert localized(with_fr, "summary") == "They met."
    assert localized(with_fr, "title", "fr-ca") == "Macron reçoit Poutine"

    html = client.get("/fr/").text
    assert "Macron reçoit Poutine" in html and "Only in English" in html
    page = client.get(f"/fr/events/{with_fr.slug}/").text
    assert "Ils se sont rencontrés." in page and "We talked." in page
    assert "They met." not in page
    assert "Macron hosts Putin" in client.get("/").text


def test_a_dispute_shows_its_french_name_and_summary_on_french_pages(client, dataset):
    syria = Dispute.objects.get(slug="syria")
    assert syria.name_fr == "Syrie et Alep" and syria.summary_fr
    html = client.get("/fr/events/2016-10-08-russia-vetoes-aleppo-resolution/").text
    assert ">Syrie et Alep</a>" in html
    hover = json.dumps(figure_of(client.get("/fr/")), ensure_ascii=False)
    assert syria.summary_fr[:30] in hover


# ---- The API gives both versions ---------------------------------------------------------


def test_the_api_gives_the_original_and_the_french_version(client, dataset):
    body = client.get("/api/events/", {"q": "Versailles", "kind": "meeting"}).json()
    [meeting] = body["results"]
    assert meeting["title"] == "Macron hosts Putin at Versailles"
    assert meeting["title_fr"] == "Macron reçoit Poutine à Versailles"
    assert {"summary_fr", "quote_fr"} <= set(meeting) and meeting["summary_fr"] == ""
    assert meeting["date_display"] == "29 May 2017"
    french = client.get("/fr/api/events/", {"q": "Versailles", "kind": "meeting"}).json()[
        "results"
    ][0]
    assert french["title"] == meeting["title"] and french["title_fr"] == meeting["title_fr"]
    assert french["date_display"] == "29 mai 2017"
    assert french["url"].endswith("/fr/events/2017-05-29-versailles-meeting/")

    rows = (
        client.get("/api/events.csv", {"q": "Versailles", "kind": "meeting"})
        .content.decode()
        .splitlines()
    )
    header = rows[0].split(",")
    assert {"title", "title_fr", "summary_fr", "quote_fr"} <= set(header)
    assert "Macron reçoit Poutine à Versailles" in rows[1]


# ---- The language switcher ---------------------------------------------------------------


def test_the_switcher_keeps_the_path_and_the_filters(client, dataset):
    html = client.get("/", {"dispute": "syria", "kind": ["meeting", "statement"]}).text
    assert switcher_link(html, "fr") == "/fr/?dispute=syria&kind=meeting&kind=statement"
    french = client.get("/fr/", {"dispute": "syria", "from": "2016-01-01"}).text
    assert switcher_link(french, "en") == "/?dispute=syria&from=2016-01-01"
    event = client.get("/fr/events/2017-05-29-versailles-meeting/").text
    assert switcher_link(event, "en") == "/events/2017-05-29-versailles-meeting/"
    assert switcher_link(client.get("/events/2017-05-29-versailles-meeting/").text, "fr") == (
        "/fr/events/2017-05-29-versailles-meeting/"
    )


def test_an_htmx_filter_swap_brings_the_switcher_with_the_new_filters(client, dataset):
    partial = client.get("/fr/", {"dispute": "chechnya-lgbt"}, **HTMX).text
    assert "<html" not in partial
    assert 'id="language-switch"' in partial and 'hx-swap-oob="true"' in partial
    assert switcher_link(partial, "en") == "/?dispute=chechnya-lgbt"
    # The full page has one switcher, in the header, not swapped out of band.
    page = client.get("/fr/", {"dispute": "chechnya-lgbt"}).text
    assert page.count('id="language-switch"') == 1 and "hx-swap-oob" not in page


# ---- Embedding from a French page --------------------------------------------------------


def test_the_embed_code_of_a_french_page_embeds_the_french_timeline(client, dataset):
    html = client.get("/fr/", {"dispute": "syria"}).text
    code = unescape(
        unescape(re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html, re.S).group(1))
    )
    assert 'src="http://testserver/fr/embed/?dispute=syria"' in code
    assert f"France – Russie · Syrie et Alep{NB}: chronologie des relations diplomatiques" in code
    assert 'data-embed-src="http://testserver/fr/embed/?dispute=syria"' in html
    assert 'value="http://testserver/fr/?dispute=syria"' in html  # the link to this view
    english = client.get("/", {"dispute": "syria"}).text
    assert 'data-embed-src="http://testserver/embed/?dispute=syria"' in english


def test_the_french_embed_page_is_french(client, dataset):
    response = client.get("/fr/embed/", {"dispute": "syria"})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html and "plotly-locale-fr" in html
    assert "Ouvrir la chronologie complète" in html and 'href="/fr/?dispute=syria"' in html
    assert re.search(r"\d+ sources \(.+ et \d+ autres éditeurs\)\. Licence des données :", html)
    assert "Syrie et Alep" in html
    assert "X-Frame-Options" not in response


def test_oembed_answers_in_the_language_of_the_url(client, dataset):
    body = client.get("/oembed/", {"url": "http://testserver/fr/?dispute=syria"}).json()
    assert 'src="http://testserver/fr/embed/?dispute=syria"' in body["html"]
    assert (
        body["title"]
        == f"France – Russie · Syrie et Alep{NB}: chronologie des relations diplomatiques"
    )
    english = client.get("/oembed/", {"url": "http://testserver/?dispute=syria"}).json()
    assert 'src="http://testserver/embed/?dispute=syria"' in english["html"]
    assert english["title"] == "France – Russia · Syria and Aleppo: diplomatic relations timeline"
    # The discovery link of a French page names the French page.
    html = client.get("/fr/").text
    discovery = unescape(
        re.search(
            r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html
        ).group(1)
    )
    assert "url=http%3A%2F%2Ftestserver%2Ffr%2F" in discovery


# ---- The admin ---------------------------------------------------------------------------


def test_the_admin_shows_the_french_fields_beside_the_originals(admin_client, dataset):
    event = Event.objects.get(slug="2017-05-29-versailles-meeting")
    html = admin_client.get(reverse("admin:timeline_event_change", args=[event.pk])).text
    # Django's admin puts the fields of one row in one "form-row ... field-title_en field-…".
    assert re.search(r'class="form-row[^"]*field-title_en field-title_fr field-title_ru', html)
    assert re.search(
        r'class="form-row[^"]*field-summary_en field-summary_fr field-summary_ru', html
    )
    assert re.search(r'class="form-row[^"]*field-quote_en field-quote_fr field-quote_ru', html)
    assert 'value="Macron reçoit Poutine à Versailles"' in html
    dispute = Dispute.objects.get(slug="syria")
    html = admin_client.get(reverse("admin:timeline_dispute_change", args=[dispute.pk])).text
    assert re.search(r'class="form-row[^"]*field-name_en field-name_fr field-name_ru', html)
    assert re.search(
        r'class="form-row[^"]*field-summary_en field-summary_fr field-summary_ru', html
    )


def test_the_admin_speaks_french_under_fr(admin_client, dataset):
    event = Event.objects.get(slug="2017-05-29-versailles-meeting")
    html = admin_client.get(f"/fr/admin/timeline/event/{event.pk}/change/").text
    assert '<html lang="fr"' in html
    assert "titre [fr]" in html.lower() and "Ce qui s’est passé" in html
    assert "Enregistrer" in html  # Django's own words


def test_a_cached_answer_is_kept_per_language(db):
    from timeline.caching import cached

    with translation.override("fr"):
        assert (
            cached(["figure", "FR-RU"], lambda: "en français", codes=["FR", "RU"]) == "en français"
        )
    with translation.override("en"):
        assert cached(["figure", "FR-RU"], lambda: "in English", codes=["FR", "RU"]) == "in English"
    with translation.override("fr"):
        assert cached(["figure", "FR-RU"], lambda: "rebuilt", codes=["FR", "RU"]) == "en français"


def test_the_chart_description_writes_the_temperature_as_each_language_does(client, dataset):
    def temperature(url):
        caption = re.search(
            r'<figcaption id="chart-description"[^>]*>(.*?)</figcaption>',
            client.get(url).text,
            re.S,
        )
        return re.search(r"(?:ends at|finit à) ([+−]\d+[.,]\d)", unescape(caption.group(1))).group(
            1
        )

    english, french = temperature("/"), temperature("/fr/")
    assert "." in english and french == english.replace(".", ",")


def test_a_french_page_marks_the_english_texts_it_falls_back_to_and_writes_the_minus_sign(
    client, dataset
):
    """Screen readers switch voice on lang="en"; the tone is written "−2", as the scale's "−10"."""
    event = (
        Event.objects.published()
        .filter(Q(summary_fr="") | Q(summary_fr=None))
        .exclude(title_fr="")
        .filter(tone__lt=0)
        .first()
    )
    path = event.get_absolute_url()  # before a French request leaves French active
    html = client.get(f"/fr{path}").text
    assert '<div class="summary" lang="en">' in html
    assert 'class="event-title">' in html  # its French title needs no mark
    assert f"<dd>−{abs(event.tone)} " in html and f"<dd>-{abs(event.tone)}" not in html
    english = client.get(path).text
    assert '<div class="summary">' in english  # an English page has nothing to mark


def test_the_temperatures_hover_writes_the_minus_sign(client, dataset):
    figure = figure_of(client.get("/fr/"))
    tone = next(t for t in figure["data"] if t.get("meta") == "tone")
    written = [c[1] for c in tone["customdata"] if c and c[1]]
    assert any(w.startswith("−") for w in written) and not any(w.startswith("-") for w in written)
    assert any("," in w for w in written)  # the French decimal comma


def test_a_person_is_named_as_each_language_writes_the_name(client, dataset):
    """ "Poutine" in French titles, bands, hovers and participant lists alike; the API gives both."""
    versailles = "2017-05-29-versailles-meeting"
    french = client.get(f"/fr/events/{versailles}/").text
    participants = re.search(r"<dt>Participants</dt>\s*<dd>(.*?)</dd>", french, re.S).group(1)
    assert "Vladimir Poutine" in participants and "Putin" not in participants
    chart = json.dumps(figure_of(client.get("/fr/")), ensure_ascii=False)
    assert "Poutine" in chart and "Putin" not in chart
    assert "Putin" in json.dumps(figure_of(client.get("/")), ensure_ascii=False)
    [meeting] = client.get("/api/events/", {"q": "Versailles", "kind": "meeting"}).json()["results"]
    putin = next(p for p in meeting["people"] if p["slug"] == "vladimir-putin")
    assert (putin["name"], putin["name_fr"]) == ("Vladimir Putin", "Vladimir Poutine")


def test_the_searched_words_are_quoted_as_each_language_quotes(client, dataset):
    french = client.get("/fr/", {"q": "poutine"}).text
    english = client.get("/", {"q": "putin"}).text
    assert "«\u00a0poutine\u00a0»" in french and "“poutine”" not in french
    assert "“putin”" in english
