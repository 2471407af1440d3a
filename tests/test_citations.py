"""Citations (timeline/citations.py): an event's, with its sources, and a filtered view's,
as text in Chicago and APA (citeproc-py) and as CSL-JSON, BibTeX and RIS downloads, each
read back with a real parser."""

import json
from datetime import date
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from timeline.models import Event, Source

from . import factories
from .xss_corpus import PAYLOADS

pytestmark = pytest.mark.django_db

# CSL's schema of its input data, vendored from citation-style-language/schema (MIT licence,
# commit e3ce254, schemas/input/csl-data.json).
CSL_SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "csl-data.json").read_text())
CSL_TYPES = set(CSL_SCHEMA["items"]["properties"]["type"]["enum"])


@pytest.fixture
def event():
    made = factories.event(
        "Macron receives Putin",
        date(2017, 5, 29),
        title_fr="Macron reçoit Poutine",
        title_ru="Макрон принимает Путина",
    )
    Source.objects.create(
        event=made,
        url="https://tass.com/politics/948381",
        title="Putin & Macron {tour} 100% the exhibition",
        publisher="TASS",
        published=date(2017, 5, 29),
    )
    return made


def cite(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return response


def event_cite(client, event, fmt, prefix=""):
    return cite(client, f"{prefix}/api/events/{event.slug}/cite", format=fmt)


def test_the_bibtex_parses_with_one_entry_per_item(client, event):
    response = event_cite(client, event, "bibtex")
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert f'filename="{event.slug}.bib"' in response["Content-Disposition"]
    library = bibtexparser.parse_string(response.content.decode())
    assert library.failed_blocks == []
    own, *sources = library.entries
    assert len(sources) == event.sources.count() == 2
    fields = own.fields_dict
    assert "Macron receives Putin (29 May 2017)" in fields["title"].value
    assert fields["url"].value == f"http://testserver/events/{event.slug}/"
    assert fields["urldate"].value == timezone.localdate().isoformat()
    assert fields["version"].value.isdigit()
    tass = next(e for e in sources if "TASS" in e.fields_dict.get("publisher", Field()).value)
    title = r"Putin \& Macron \textbraceleft{}tour\textbraceright{} 100\% the exhibition"
    assert title in tass.fields_dict["title"].value


class Field:
    value = ""


def test_the_ris_has_its_required_tags(client, event):
    response = event_cite(client, event, "ris")
    text = response.content.decode()
    assert text.startswith("TY  - ")
    records = rispy.loads(text)
    assert len(records) == 3
    for record in records:
        assert record["type_of_reference"] and record["title"]
    assert text.count("ER  - ") == 3
    own = records[0]
    assert own["urls"] == [f"http://testserver/events/{event.slug}/"]
    assert own["access_date"] == timezone.localdate().strftime("%Y/%m/%d")
    assert any(r.get("publisher") == "TASS" and r.get("year") == "2017" for r in records)


def test_the_csl_json_has_what_csl_requires(client, event):
    response = event_cite(client, event, "csl-json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    jsonschema.validate(items, CSL_SCHEMA)  # CSL 1.0's own schema of its input data
    view = json.loads(cite(client, "/api/cite", format="csl-json").content)
    jsonschema.validate(view, CSL_SCHEMA)
    assert len({item["id"] for item in items}) == len(items) == 3
    for item in items:
        assert item["type"] in CSL_TYPES and item["title"]
        for key in ("issued", "accessed"):
            if key in item:
                (parts,) = item[key]["date-parts"]
                assert all(isinstance(n, int) for n in parts)
    assert items[0]["accessed"]["date-parts"] == [list(timezone.localdate().timetuple()[:3])]


@pytest.mark.parametrize(
    "prefix, title, accessed",
    [
        ("", "Macron receives Putin (29 May 2017)", "Accessed "),
        ("/fr", "Macron reçoit Poutine (29 mai 2017)", "Consulté le "),
        ("/ru", "Макрон принимает Путина (29 мая 2017 г.)", "Просмотрено "),
    ],
)
def test_the_text_names_title_site_permalink_version_and_access_date(
    client, event, prefix, title, accessed
):
    html = cite(client, f"{prefix}/cite/", event=event.slug).text
    assert title in html
    assert f"http://testserver{prefix}/events/{event.slug}/" in html
    assert accessed in html
    assert "cite-chicago-author-date-text" in html and "cite-apa-text" in html
    version = json.loads(event_cite(client, event, "csl-json").content)[0]["version"]
    assert version in html
    if prefix == "/ru":  # the genitive CSL cannot write: "4 декабря", not "4 декабрь"
        assert "декабрь 20" not in html and "ноябрь 20" not in html


def test_a_view_is_cited_with_its_filters(client, event):
    params = {"kind": "meeting", "from": "2014-01-01", "format": "csl-json"}
    (item,) = json.loads(cite(client, "/api/cite", **params).content)
    assert item["type"] == "dataset"
    assert item["URL"] == "http://testserver/?pair=FR-RU&from=2014-01-01&kind=meeting"
    assert "meeting" in item["title"] and "1 January 2014" in item["title"]
    html = cite(client, "/cite/", kind="meeting", **{"from": "2014-01-01"}).text
    assert "/api/cite?from=2014-01-01&amp;kind=meeting&amp;format=bibtex" in html


def test_the_version_changes_with_the_data(client, event):
    before = json.loads(cite(client, "/api/cite", format="csl-json").content)[0]["version"]
    factories.event("Another meeting", date(2016, 1, 1))
    after = json.loads(cite(client, "/api/cite", format="csl-json").content)[0]["version"]
    assert before != after


@pytest.mark.parametrize(
    "path, params, status, parameter",
    [
        ("/api/cite", {"format": "docx"}, 400, "format"),
        ("/api/cite", {}, 400, "format"),
        ("/api/cite", {"format": "ris", "from": "2017-13-45"}, 400, "from"),
        ("/api/cite", {"format": "ris", "pair": "XX-YY"}, 400, "pair"),
        ("/api/events/no-such-event/cite", {"format": "ris"}, 404, "slug"),
    ],
)
def test_bad_input_is_named(client, event, path, params, status, parameter):
    response = client.get(path, params)
    assert response.status_code == status
    assert parameter in response.json()["errors"]


def test_a_draft_is_never_cited(client):
    draft = factories.event("Secret plan", date(2017, 1, 1), state=Event.State.DRAFT)
    assert client.get(f"/api/events/{draft.slug}/cite", {"format": "ris"}).status_code == 404
    missing = client.get("/cite/", {"event": draft.slug}, headers={"HX-Request": "true"})
    assert missing.status_code == 404 and "<html" not in missing.text
    assert "no published event has this address" in missing.text
    assert "Secret plan" not in client.get("/api/cite", {"format": "ris"}).content.decode()


def test_the_dialog_with_bad_filters_says_which(client, event):
    response = client.get("/cite/", {"from": "2017-13-45"}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and "from" in response.text


@pytest.mark.parametrize("payload", PAYLOADS[:10])
def test_curated_text_comes_out_escaped(client, payload):
    hostile = factories.event(payload[:150], date(2017, 1, 1))
    html = client.get("/cite/", {"event": hostile.slug}).text
    if "<" in payload:
        assert payload[:150] not in html


def test_the_view_citation_costs_the_same_queries_for_3_and_30_events(client):
    def queries(n):
        factories.many_events(n - Event.objects.count())
        client.get("/cite/", {"n": n})  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            cite(client, "/cite/", warm=n)
        return len(captured)

    assert queries(3) == queries(30)


def test_the_dialog_follows_an_edit_of_the_event(client, event):
    assert "Macron receives Putin (29 May" in cite(client, "/cite/", event=event.slug).text
    event.title_en = "Macron welcomes Putin"
    event.save()
    assert "Macron welcomes Putin (29 May" in cite(client, "/cite/", event=event.slug).text
