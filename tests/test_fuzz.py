"""Fuzzed query strings on every public GET endpoint (issue 6, item 1).

Hypothesis writes query strings from the parameter names of the URL contract (and random
ones), with values that mix valid slugs, dates and codes with random text, unicode, NUL
bytes, huge numbers, repeated parameters and broken percent-encoding. Whatever it sends:

- the status is 200, 400 or 404 (501 only for oEmbed's `format`), never a 5xx;
- every 400 names the offending parameter: the JSON `errors` keys for the API and oEmbed,
  the field's label or name in the page's error list for the HTML pages.

Each test function gets a small committed-in-its-transaction database (a few published
events between three pairs, a draft, office terms, disputes, tags, people) built once;
each example runs in a savepoint that is rolled back, so no example can leave state for
the next. The shipped dataset is not used here: its full chart costs ~0.1 s a request,
and 5,000 requests must fit in the CI budget.
"""

import json
import logging
import os
import re
from datetime import date
from html import unescape
from urllib.parse import quote, quote_plus

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.forms import PARAMETERS, TimelineFilter
from timeline.models import Event, Participation

from . import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 500))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

PUBLISHED_SLUGS = ["elysee-meeting", "kremlin-call", "crimea-annexation", "berlin-summit"]
DRAFT_SLUG = "secret-draft"
DISPUTES = ["syria", "crimea"]
TAGS = ["energy", "sanctions", "culture"]
PEOPLE = ["emmanuel-macron", "vladimir-putin"]
PAIRS = ["FR-RU", "ru-fr", "RU-UA", "DE-FR", "FR-FR", "XX-YY", "FR", "FR-RU-UA", "É1-RU"]
KINDS = list(Event.Kind.values) + ["MEETING", "meeting ", "nonsense"]
FILTER_NAMES = PARAMETERS + ["page", "page_size"]
OEMBED_NAMES = ["url", "format", "maxwidth", "maxheight"]


# --- the database ------------------------------------------------------------------------


@pytest.fixture
def small_timeline(db):
    fr_ru = ("FR", "RU")
    syria = factories.dispute("syria", date(2011, 3, 15), name="Syria")
    crimea = factories.dispute("crimea", date(2014, 2, 20), parties=("RU", "UA"), name="Crimea")
    macron = factories.person("Emmanuel Macron", "FR")
    putin = factories.person("Vladimir Putin", "RU")
    factories.term("Emmanuel Macron", "President", "FR", date(2017, 5, 14))
    factories.term("Vladimir Putin", "President", "RU", date(2012, 5, 7))
    host, guest = Participation.Role.HOST, Participation.Role.GUEST
    factories.event(
        "Elysee meeting",
        date(2017, 5, 29),
        countries=fr_ru,
        disputes=[syria],
        tags=["energy"],
        people=[(macron, host), (putin, guest)],
        slug="elysee-meeting",
        place="Paris",
        end=date(2017, 5, 30),
    )
    factories.event(
        "Kremlin call",
        date(2019, 8, 19),
        Event.Kind.CALL,
        countries=fr_ru,
        tags=["sanctions"],
        people=[(putin, host)],
        slug="kremlin-call",
        date_precision="month",
    )
    factories.event(
        "Crimea annexation",
        date(2014, 3, 18),
        Event.Kind.STATEMENT,
        countries=("RU", "UA"),
        disputes=[crimea],
        tags=["sanctions"],
        slug="crimea-annexation",
    )
    factories.event(
        "Berlin summit",
        date(2016, 10, 19),
        Event.Kind.SUMMIT,
        countries=("DE", "FR", "RU", "UA"),
        tags=["culture"],
        slug="berlin-summit",
    )
    factories.event(
        "Secret draft",
        date(2018, 1, 1),
        countries=fr_ru,
        slug=DRAFT_SLUG,
        state=Event.State.DRAFT,
        tags=["draft-only"],
    )
    assert sorted(Event.objects.published().values_list("slug", flat=True)) == sorted(
        PUBLISHED_SLUGS
    )


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of expected 400s would flood the log (errors still raise in the client)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


# --- strategies ---------------------------------------------------------------------------


def dates():
    valid = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
    near = st.sampled_from(
        [
            "2017-05-29",
            "2014-01-01",
            "2019-12-31",
            "0001-01-01",
            "9999-12-31",
            "2017-02-30",
            "2017-13-01",
            "17-05-29",
            "2017/05/29",
            "29.05.2017",
            "2017-05-29T10:00",
            " 2017-05-29 ",
            "２０１７-０５-２９",
        ]
    )
    return st.one_of(valid, near)


huge_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            "0",
            "-1",
            "1",
            "2",
            "999999999999999999999",
            "9" * 5000,
            "1e9",
            "1.5",
            "NaN",
            "inf",
            "-0",
            "0x10",
            "١٢",
            "1_000",
            " 3 ",
        ]
    ),
)

junk_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "%00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "{{ 7*7 }}",
            "\u202e",
            "\ufeff",
            "😀",
            "x" * 201,
            "x" * 5000,
            "",
            " ",
            "../../etc/passwd",
            "%",
            "%%",
            "%zz",
            "%ff%fe",
        ]
    ),
)

urls = st.one_of(
    st.builds(
        lambda scheme, host, path, query: f"{scheme}://{host}{path}{query}",
        st.sampled_from(["http", "https", "ftp", "javascript", ""]),
        st.sampled_from(
            [
                "testserver",
                "testserver:80",
                "evil.example",
                "[::1",
                "[",
                "]",
                "testserver]",
                "[::1]",
                "user@testserver",
                "",
            ]
        ),
        st.sampled_from(["/", "/embed/", "/api/events/", "/events/elysee-meeting/", "", "//x"]),
        st.one_of(
            st.just(""),
            st.builds(lambda q: "?" + q, st.text(max_size=40)),
            st.sampled_from(
                [
                    "?pair=FR-RU",
                    "?pair=zz",
                    "?from=2017-99-99",
                    "?dispute=syria",
                    "?tag=energy&tag=nope",
                    "?q=%00",
                    "?kind=call&kind=x",
                ]
            ),
        ),
    ),
    junk_text,
)


def value_for(name):
    choices = {
        "pair": st.sampled_from(PAIRS),
        "from": dates(),
        "to": dates(),
        "kind": st.sampled_from(KINDS),
        "dispute": st.sampled_from(DISPUTES + ["ukraine", "SYRIA"]),
        "person": st.sampled_from(PEOPLE + ["nobody"]),
        "tag": st.sampled_from(TAGS + ["draft-only", "nope"]),
        "q": st.sampled_from(["Kremlin", "meeting", "paris", "%", "_", "\\"]),
        "page": huge_numbers,
        "page_size": huge_numbers,
        "maxwidth": huge_numbers,
        "maxheight": huge_numbers,
        "format": st.sampled_from(["json", "xml", "JSON", ""]),
        "url": urls,
    }
    known = choices.get(name)
    return st.one_of(known, junk_text) if known is not None else junk_text


def names(known):
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.text(max_size=12))


@st.composite
def query_strings(draw, known=FILTER_NAMES):
    """(raw query string, [(name, value)] as sent)."""
    params = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        name = draw(names(known))
        for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):  # repeated parameters
            params.append((name, draw(value_for(name))))
    encode = draw(st.sampled_from([quote_plus, lambda s: quote(s, safe="")]))
    parts = [f"{encode(n)}={encode(v)}" for n, v in params]
    # Broken encoding and stray separators, spliced in raw.
    junk = draw(
        st.lists(
            st.sampled_from(
                [
                    "%",
                    "%zz",
                    "%ff%fe",
                    "&&",
                    "=",
                    "==x",
                    "a=%00",
                    "+",
                    ";",
                    "%e9",
                    "tag=%C3",
                    "pair",
                    "&pair=%",
                ]
            ),
            max_size=3,
        )
    )
    for piece in junk:
        parts.insert(draw(st.integers(min_value=0, max_value=len(parts))), piece)
    return "&".join(parts), params


# --- the property -------------------------------------------------------------------------

# One client for the whole file: each new Client loads the middleware again, and WhiteNoise
# then rescans every static file (most of a request's time, and racy while collectstatic runs).
CLIENT = Client()


def request(path, query, **headers):
    """One GET, in a savepoint that is rolled back, with no cookie carried over from the
    previous one: an example leaves nothing behind."""
    CLIENT.cookies.clear()
    with transaction.atomic():
        response = CLIENT.get(f"{path}?{query}" if query else path, **headers)
        transaction.set_rollback(True)
    return response


def sent_names(response):
    """The parameter names as the server parsed them (raw junk can add some)."""
    return set(response.wsgi_request.GET)


def check_json_400(response, params, required=()):
    body = json.loads(response.content)
    errors = body["errors"]
    assert errors, body
    for name in errors:
        # The parameter named is one the reader sent (or a required one that was missing).
        assert name in sent_names(response) or name in required, (name, params)
        assert name in body["error"] or "url" in errors


def html_error_list(response):
    match = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert match, "a 400 page without its error list"
    return unescape(match.group(1))


def check_html_400(response, params):
    listing = html_error_list(response)
    form = TimelineFilter(response.wsgi_request.GET)
    if form.is_valid():  # then the list's page is wrong: not a number, or past the last page
        assert "page" in sent_names(response), params
        assert "“page”" in listing, listing
        return
    for name in form.errors:
        assert name in sent_names(response), (name, params)
        assert name in listing or str(form.fields[name].label) in listing, (name, listing)


def check(response, params, *, html, allowed=(200, 400, 404)):
    assert response.status_code in allowed, (response.status_code, params)
    if response.status_code == 400:
        if html:
            check_html_400(response, params)
        else:
            check_json_400(response, params)


HX = {"HTTP_HX_REQUEST": "true"}
HX_FROM_EMBED = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_CURRENT_URL": "http://testserver/embed/?pair=RU-UA",
}


@fuzz
@given(query_strings())
def test_it_fuzzes_the_dashboard(small_timeline, generated):
    query, params = generated
    check(request("/", query), params, html=True)


@fuzz
@given(query_strings())
def test_it_fuzzes_the_dashboard_partial(small_timeline, generated):
    query, params = generated
    response = request("/", query, **HX)
    check(response, params, html=True)
    assert b"<html" not in response.content


@fuzz
@given(query_strings())
def test_it_fuzzes_the_embed_page(small_timeline, generated):
    query, params = generated
    check(request("/embed/", query), params, html=True)


@fuzz
@given(query_strings())
def test_it_fuzzes_the_embed_partial(small_timeline, generated):
    query, params = generated
    response = request("/embed/", query, **HX)
    check(response, params, html=True)
    assert b"<html" not in response.content


slugs = st.one_of(
    st.sampled_from(PUBLISHED_SLUGS + [DRAFT_SLUG, "nope"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=60),
    st.text(min_size=1, max_size=20).map(lambda s: quote(s, safe="")),
)
current_urls = st.one_of(
    st.none(),
    urls,
    st.sampled_from(
        [
            "http://testserver/?pair=RU-UA",
            "http://testserver/embed/?pair=xx-yy",
            "http://testserver/?pair=%00",
            "http://[::1/?pair=FR-RU",
        ]
    ),
)


@fuzz
@given(slugs, query_strings())
def test_it_fuzzes_the_event_page(small_timeline, slug, generated):
    query, params = generated
    response = request(f"/events/{slug}/", query)
    assert response.status_code in (200, 404)
    if slug == DRAFT_SLUG:
        assert response.status_code == 404


@fuzz
@given(slugs, query_strings(), current_urls)
def test_it_fuzzes_the_event_panel(small_timeline, slug, generated, current_url):
    query, params = generated
    headers = dict(HX)
    if current_url is not None:
        headers["HTTP_HX_CURRENT_URL"] = current_url.encode("utf-8", "replace").decode("latin-1")
    response = request(f"/events/{slug}/", query, **headers)
    assert response.status_code in (200, 404)
    if slug in PUBLISHED_SLUGS:
        assert response.status_code == 200


@fuzz
@given(query_strings(known=OEMBED_NAMES + FILTER_NAMES))
def test_it_fuzzes_oembed(small_timeline, generated):
    query, params = generated
    response = request("/oembed/", query)
    assert response.status_code in (200, 400, 404, 501), (response.status_code, params)
    body = json.loads(response.content)
    if response.status_code == 501:
        assert list(body["errors"]) == ["format"]
    if response.status_code == 400:
        check_json_400(response, params, required=("url",))
    if response.status_code == 200:
        assert body["type"] == "rich" and body["html"].startswith("<iframe ")


@fuzz
@given(query_strings())
def test_it_fuzzes_the_json_api(small_timeline, generated):
    query, params = generated
    response = request("/api/events/", query)
    check(response, params, html=False)
    if response.status_code == 404:
        assert list(json.loads(response.content)["errors"]) == ["page"]
    if response.status_code == 200:
        slugs_seen = {e["slug"] for e in json.loads(response.content)["results"]}
        assert DRAFT_SLUG not in slugs_seen


@fuzz
@given(query_strings())
def test_it_fuzzes_the_csv_export(small_timeline, generated):
    query, params = generated
    response = request("/api/events.csv", query)
    check(response, params, html=False, allowed=(200, 400))
    if response.status_code == 200:
        assert DRAFT_SLUG not in response.content.decode()


@fuzz
@given(query_strings())
def test_it_fuzzes_the_timelinejs_export(small_timeline, generated):
    query, params = generated
    response = request("/api/timelinejs.json", query)
    check(response, params, html=False, allowed=(200, 400))
    if response.status_code == 200:
        assert "Secret draft" not in response.content.decode()


# --- regressions the fuzzing found --------------------------------------------------------


def test_it_answers_the_event_panel_when_htmx_sends_an_unparseable_current_url(small_timeline):
    """HX-Current-URL "A://[" made urlsplit raise ValueError: a 500 on the detail panel."""
    response = request(
        "/events/elysee-meeting/", "", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="A://["
    )
    assert response.status_code == 200
    assert b"Elysee meeting" in response.content


def test_it_refuses_an_unparseable_oembed_url_with_a_400_naming_url(small_timeline):
    """url=http://[::1 made urlsplit raise ValueError: a 500 on /oembed/."""
    response = request("/oembed/", "url=" + quote("http://[::1/embed/", safe=""))
    assert response.status_code == 400
    assert list(json.loads(response.content)["errors"]) == ["url"]


@pytest.mark.parametrize(
    "query",
    [
        "from=9999-12-31",
        "to=0001-01-01",
        "from=0001-01-01",
        "to=9999-12-31",
        "from=9999-12-31&to=9999-12-31",
        "from=0001-01-01&to=0001-01-01",
        "pair=RU-UA&from=9999-12-31",
    ],
)
@pytest.mark.parametrize("path", ["/", "/embed/"])
def test_it_draws_views_at_the_ends_of_the_calendar(small_timeline, path, query):
    """from=9999-12-31 (and to=0001-01-01 with no events) pushed the chart's window past
    date.max/date.min: OverflowError, a 500 on the dashboard and the embed page."""
    for headers in ({}, HX):
        assert request(path, query, **headers).status_code == 200
