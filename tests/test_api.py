"""The JSON and CSV API: same filters as the dashboard, published events only."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from timeline import selectors
from timeline.models import Country, Event, Source

JSON_URL = reverse("timeline:api-events")
CSV_URL = reverse("timeline:api-events-csv")


def fr_ru_events():
    """What the France–Russia relation holds (the selector decides; see selectors.between)."""
    return selectors.between(Event.objects.published(), ["FR", "RU"])


def get_json(client, **params):
    response = client.get(JSON_URL, params)
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def publish(title, *, countries=("FR", "RU"), start=date(2017, 6, 1), **fields):
    event = Event.objects.create(title=title, kind="statement", start=start, **fields)
    event.countries.add(*Country.objects.filter(code__in=countries))
    Source.objects.create(event=event, url="https://example.org/", title="Report")
    event.state = Event.State.PUBLISHED
    event.save()
    return event


def test_it_lists_the_france_russia_events_by_default(client, dataset):
    response, body = get_json(client)
    assert response.status_code == 200
    assert body["count"] == fr_ru_events().count() > 15
    starts = [item["start"] for item in body["results"]]
    assert starts == sorted(starts)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_event_carries_the_fields_of_the_contract(client, dataset):
    _, body = get_json(client, q="Versailles", kind="meeting")
    [meeting] = body["results"]
    assert {
        "id",
        "slug",
        "title",
        "kind",
        "start",
        "end",
        "date_precision",
        "summary",
        "countries",
        "people",
        "disputes",
        "tags",
        "place",
        "tone",
        "sources",
        "url",
    } <= set(meeting)
    assert meeting["slug"] == "2017-05-29-versailles-meeting"
    assert meeting["start"] == "2017-05-29" and meeting["end"] is None
    assert meeting["date_precision"] == "day"
    assert set(meeting["countries"]) == {"FR", "RU"}
    assert {p["name"] for p in meeting["people"]} >= {"Emmanuel Macron", "Vladimir Putin"}
    assert all({"name", "slug", "role"} <= set(p) for p in meeting["people"])
    assert "chechnya-lgbt" in meeting["disputes"]
    assert meeting["place"]["name"].startswith("Versailles")
    assert meeting["sources"][0]["title"] == "Rights activists in Paris protest Putin visit"
    assert {"url", "publisher", "title", "published", "quote"} <= set(meeting["sources"][0])
    assert meeting["url"] == "http://testserver/events/2017-05-29-versailles-meeting/"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"dispute": "syria"}, lambda qs: qs.filter(disputes__slug="syria")),
        (
            {"kind": ["statement", "meeting"]},
            lambda qs: qs.filter(kind__in=["statement", "meeting"]),
        ),
        ({"from": "2017-01-01"}, lambda qs: qs.filter(start__gte=date(2017, 1, 1))),
        ({"from": "2016-01-01", "to": "2016-12-31"}, lambda qs: qs.filter(start__year=2016)),
        (
            {"person": "vladimir-putin"},
            lambda qs: qs.filter(participations__person__slug="vladimir-putin"),
        ),
        ({"tag": "human-rights"}, lambda qs: qs.filter(tags__slug="human-rights")),
        (
            {"q": "Aleppo"},
            lambda qs: (
                qs.filter(title__icontains="Aleppo") | qs.filter(summary__icontains="Aleppo")
            ),
        ),
    ],
)
def test_each_filter_narrows_the_list(client, dataset, params, expected):
    _, body = get_json(client, **params)
    wanted = set(expected(fr_ru_events()).values_list("slug", flat=True))
    assert wanted, "the filter should match something in the shipped data"
    assert {item["slug"] for item in body["results"]} == wanted
    assert body["count"] < fr_ru_events().count()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "picnic"}, "kind"),
        ({"from": "2017-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2017-06-01", "to": "2017-01-01"}, "to"),
        ({"pair": "FR-XX"}, "pair"),
        ({"dispute": "atlantis"}, "dispute"),
        ({"page": "0"}, "page"),
        ({"page_size": "100000"}, "page_size"),
    ],
)
def test_bad_parameters_get_400_naming_the_parameter(client, dataset, params, field):
    response, body = get_json(client, **params)
    assert response.status_code == 400
    assert field in body["errors"]
    assert f"“{field}”" in body["error"]


def test_bad_parameters_in_csv_get_400_too(client, dataset):
    response = client.get(CSV_URL, {"kind": "picnic"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_pages_cover_every_event_once_in_a_stable_order(client, dataset):
    _, first = get_json(client, page_size=5)
    assert first["pages"] == -(-first["count"] // 5)
    assert first["previous"] is None and "page=2" in first["next"]
    slugs = []
    for number in range(1, first["pages"] + 1):
        _, body = get_json(client, page_size=5, page=number)
        slugs += [item["slug"] for item in body["results"]]
    assert len(slugs) == len(set(slugs)) == first["count"]
    _, again = get_json(client, page_size=5)
    assert [i["slug"] for i in again["results"]] == slugs[:5]


def test_a_page_past_the_end_is_a_400_as_on_the_dashboard_in_the_readers_language(client, dataset):
    response, body = get_json(client, page=99)
    assert response.status_code == 400 == client.get("/", {"page": 99}).status_code
    assert body["error"] == "Invalid parameter “page”."
    assert body["errors"]["page"] == ["“page”: there is only 1 page of events."]
    _, two_pages = get_json(client, page=99, page_size=20)
    assert two_pages["errors"]["page"] == ["“page”: there are only 2 pages of events."]
    french = client.get("/fr/api/events/", {"page": 99, "from": "2017-02-30"}).json()
    assert french["error"] == "Paramètre invalide “from”."  # the dates are checked first
    assert french["errors"]["from"] == [
        "« from » : le jour 2017-02-30 n’existe pas dans le calendrier."
    ]
    french = client.get("/fr/api/events/", {"page": 99}).json()
    assert french["errors"]["page"] == ["« page » : il n’y a qu’une page d’événements."]


def test_drafts_never_appear(client, dataset):
    draft = Event.objects.create(
        title="Secret draft summit", kind="summit", start=date(2017, 5, 30)
    )
    draft.countries.add(*Country.objects.filter(code__in=["FR", "RU"]))
    _, body = get_json(client, page_size=1000)
    assert draft.slug not in {item["slug"] for item in body["results"]}
    assert body["count"] == fr_ru_events().count()
    assert "Secret draft" not in client.get(CSV_URL).content.decode()


def test_csv_has_one_row_per_event(client, dataset):
    response = client.get(CSV_URL, {"dispute": "syria"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="events-FR-RU.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert len(rows) == fr_ru_events().filter(disputes__slug="syria").count()
    visit = next(row for row in rows if row["slug"] == "2016-10-11-putin-cancels-paris-visit")
    assert visit["cancelled"] == "yes"
    assert visit["date"] == "11 October 2016"
    assert "Vladimir Putin (guest)" in visit["people"] or "Vladimir Putin" in visit["people"]


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, db):
    Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0]
    publish('=HYPERLINK("http://evil.example","click")', summary="+1+1", quote="-2+3", tone=-7)
    publish("@SUM(A1:A9)", summary="\t=cmd", start=date(2017, 6, 2))
    rows = read_csv(client.get(CSV_URL))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["summary"] == "'+1+1"
    assert rows[0]["quote"] == "'-2+3"
    assert rows[0]["tone"] == "-7"  # a number, not text: nothing to neutralise
    assert rows[1]["title"] == "'@SUM(A1:A9)"
    assert rows[1]["summary"] == "'\t=cmd"
    for row in rows:
        for column, cell in row.items():
            if column != "tone":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_queries_do_not_grow_with_the_number_of_events(
    client, db, url, django_assert_max_num_queries
):
    Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0]
    for n in range(10):
        publish(f"Event {n}", start=date(2017, 1, 1 + n))
    with django_assert_max_num_queries(20) as few:
        assert client.get(url, {"page_size": 1000}).status_code == 200
    for n in range(10, 60):
        publish(f"Event {n}", start=date(2016, 1, 1 + n % 28))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"page_size": 1000}).status_code == 200


TIMELINEJS_URL = reverse("timeline:api-timelinejs")


def test_timelinejs_export_has_a_slide_per_filtered_event_and_eras(client, dataset):
    response = client.get(TIMELINEJS_URL, {"dispute": "syria"})
    assert response.status_code == 200
    data = response.json()
    expected = set(fr_ru_events().filter(disputes__slug="syria").values_list("slug", flat=True))
    assert {slide["unique_id"] for slide in data["events"]} == expected
    assert "France – Russia" in data["title"]["text"]["headline"]
    visit = next(
        s for s in data["events"] if s["unique_id"] == "2016-10-11-putin-cancels-paris-visit"
    )
    assert visit["start_date"] == {"year": 2016, "month": 10, "day": 11}
    assert "http://testserver/events/2016-10-11-putin-cancels-paris-visit/" in visit["text"]["text"]
    headlines = {era["text"]["headline"] for era in data["eras"]}
    assert any("Syria" in h for h in headlines)
    assert any("Hollande" in h for h in headlines)


def test_timelinejs_export_honours_precision_and_hides_drafts(client, dataset):
    event = publish("Talks in autumn", start=date(2016, 10, 1), date_precision="month")
    draft = Event.objects.create(title="Draft talks", kind="meeting", start=date(2016, 11, 1))
    draft.countries.add(*Country.objects.filter(code__in=["FR", "RU"]))
    slides = {s["unique_id"]: s for s in client.get(TIMELINEJS_URL).json()["events"]}
    assert slides[event.slug]["start_date"] == {"year": 2016, "month": 10}
    assert draft.slug not in slides


def test_timelinejs_export_refuses_bad_filters(client, db):
    response = client.get(TIMELINEJS_URL, {"from": "2017-99-01"})
    assert response.status_code == 400
    assert "from" in response.json()["errors"]


def test_api_index_lists_the_endpoints_and_filters_and_each_answers(client, dataset):
    body = client.get("/api/").json()
    assert {e["format"] for e in body["endpoints"]} == {"JSON", "CSV", "TimelineJS 3 JSON"}
    assert set(body["filters"]) == {"pair", "from", "to", "kind", "dispute", "person", "tag", "q"}
    for endpoint in body["endpoints"]:
        assert client.get(endpoint["url"]).status_code == 200


def test_the_dashboard_and_the_embed_link_their_events_as_data(client, dataset):
    dashboard = client.get("/", {"kind": "summit"}).text
    assert (
        'href="/api/events.csv?kind=summit"' in dashboard
        and 'href="/api/events/?kind=summit"' in dashboard
    )
    assert 'href="/api/events.csv?kind=summit"' in client.get("/embed/", {"kind": "summit"}).text


def test_every_page_has_a_favicon_and_favicon_ico_finds_it(client, dataset, admin_client):
    for page in (client.get("/"), client.get("/embed/"), admin_client.get("/admin/")):
        assert 'rel="icon" href="/static/timeline/favicon' in page.text
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")


def test_the_csv_opens_in_a_spreadsheet_with_its_accents_and_sources_apart(client, dataset):
    body = client.get("/api/events.csv").content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only after a byte-order mark
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    with_two = next(r for r in rows if r["sources"].count(" | ") >= 1)
    assert len(with_two["sources"].split(" | ")) == len(with_two["source_titles"].split(" | "))
    assert all(url.startswith("http") or url == "" for url in with_two["sources"].split(" | "))
    assert not client.get("/api/events.csv", {"bom": "0"}).content.startswith(b"\xef\xbb\xbf")
    bad = client.get("/api/events.csv", {"bom": "yes"})
    assert bad.status_code == 400 and "bom" in bad.json()["errors"]


def test_html_that_came_in_is_given_as_text_with_the_sanitised_html_apart(client, dataset):
    event = Event.objects.published().first()
    Event.objects.filter(pk=event.pk).update(
        summary="<p>Talks in <b>Paris</b><script>alert(1)</script></p>"
    )
    from django.core.cache import cache

    cache.clear()
    record = next(
        e for e in get_json(client, page_size=1000)[1]["results"] if e["slug"] == event.slug
    )
    assert record["summary"] == "Talks in Paris"
    assert record["summary_html"] == "<p>Talks in <b>Paris</b></p>"
    plain = next(
        e for e in get_json(client, page_size=1000)[1]["results"] if e["slug"] != event.slug
    )
    assert plain["summary_html"] == ""


DATA_ENDPOINTS = ["/api/events/", "/api/events.csv", "/api/timelinejs.json", "/chart/", "/api/"]


@pytest.mark.parametrize("path", DATA_ENDPOINTS)
def test_every_data_endpoint_shares_one_prologue(client, dataset, path):
    """GET and HEAD, CORS, gzip and a JSON 400 naming a bad filter: the same on each."""
    for method in (client.get, client.head):
        ok = method(path, HTTP_ACCEPT_ENCODING="gzip")
        assert ok.status_code == 200 and ok["Access-Control-Allow-Origin"] == "*"
        assert ok.get("Content-Encoding") == "gzip" or len(ok.content) < 200
    assert client.post(path).status_code == 405
    if path == "/api/":
        return
    bad = client.get(path, {"from": "2017-02-30"})
    assert bad.status_code == 400 and bad["Access-Control-Allow-Origin"] == "*"
    assert bad.json()["error"] == "Invalid parameter “from”." and "from" in bad.json()["errors"]
    french = client.get("/fr" + path, {"from": "2017-02-30"}).json()["error"]
    assert french.startswith("Paramètre invalide")
