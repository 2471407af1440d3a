"""The XSS corpus, server side: stored through the admin forms and the TimelineJS import, kept
verbatim as data, and inert in every page and export (issue 6, item 2).

The browser proves the same on the rendered pages (tests/browser/test_xss.py); here each
response is parsed and searched for anything that could run (tests/xss_corpus.py:
active_content), and the exports are read as a client would read them.
"""

import csv
import io
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.admin_forms import admin_form_data, errors_in, set_inline
from tests.charting import build_figure
from tests.xss_corpus import (
    HOSTILE_VALID_URL,
    PAYLOADS,
    REFUSED_URLS,
    active_content,
    chunks,
    corpus_date,
    corpus_sheet,
    imported_headline,
    labelled,
    pair_names,
    store_corpus,
)
from timeline import selectors
from timeline.api import FORMULA_TRIGGERS
from timeline.embed import embed_code
from timeline.interchange.sanitize import plain_text, text_and_html
from timeline.interchange.timelinejs_import import prepare_import, write_import
from timeline.models import Country, Dispute, Event, Person, Source, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    return store_corpus()


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("sam", password="a-long-test-password")
    client.force_login(user)
    return user


def assert_inert(response):
    assert response.status_code == 200, response.status_code
    found = active_content(response.content.decode())
    assert found == [], f"{response.request['PATH_INFO']}: {found}"


def test_the_corpus_is_big_enough_and_each_payload_fits_every_field():
    assert len(PAYLOADS) >= 25
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    assert all(len(labelled(99, p)) <= 100 for p in PAYLOADS)  # Country.name, Tag.name


def test_the_checker_finds_what_would_run():
    """The checker the other tests rely on is not blind: it flags each kind of payload."""
    for html in [
        "<script>x()</script>",
        "<img src=x onerror=x()>",
        "<svg onload=x()>",
        '<a href=" JaVa&#x09;ScRiPt:x()">a</a>',
        '<iframe srcdoc="x"></iframe>',
        "<object data=x>",
        '<base href="https://evil.example/">',
        '<meta http-equiv="Refresh" content="0;url=x">',
        '<div style="width:expression(x())">',
        '<a href="data:text/html,x">',
        "<details open ontoggle=x()>",
    ]:
        assert active_content(html), html
    assert (
        active_content("&lt;script&gt;x()&lt;/script&gt; <b>ok</b> <a href='https://e.org'>ok</a>")
        == []
    )
    assert (
        active_content(
            '<script type="application/json">{"a": 1}</script><script src="/s.js"></script>'
        )
        == []
    )


# Stored through the admin forms ---------------------------------------------------------


def test_it_saves_payloads_through_the_event_form_and_refuses_script_urls_in_sources(client, staff):
    Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    add_url = reverse("admin:timeline_event_add")
    blank = admin_form_data(client.get(add_url))
    for n, (group, title) in enumerate(chunks()):
        payloads = [PAYLOADS[i] for i in group]
        data = {
            **blank,
            "title_en": title,
            "kind": "statement",
            "start": corpus_date(n).isoformat(),
            "date_precision": "day",
            "tone": "0",
            "summary_en": "\n".join(payloads),
            "quote_en": "\n".join(payloads),
            "state": "published",
        }
        sources = [
            {
                "title": PAYLOADS[i],
                "publisher": labelled(i, PAYLOADS[i]),
                "author": labelled(i, PAYLOADS[i]),
                "quote": PAYLOADS[i],
                "url": HOSTILE_VALID_URL if i % 2 else f"https://example.org/{i}",
                "archived_url": HOSTILE_VALID_URL,
            }
            for i in group
        ]
        if n < len(REFUSED_URLS):
            # A javascript:, data: or vbscript: address is no source: the URLField refuses it.
            refused = client.post(
                add_url, set_inline(dict(data), "sources", [{**sources[0], "url": REFUSED_URLS[n]}])
            )
            assert refused.status_code == 200
            assert "Enter a valid URL." in errors_in(refused)
            assert not Event.objects.filter(title=title).exists()
            # The form, shown again with its errors, holds the payloads as text.
            assert_inert(refused)
            assert escape(title) in refused.content.decode()
        response = client.post(add_url, set_inline(data, "sources", sources))
        assert response.status_code == 302, errors_in(response)

    for group, title in chunks():
        event = Event.objects.get(title=title)  # verbatim: stored as typed
        payloads = "\n".join(PAYLOADS[i] for i in group)
        assert (event.summary, event.quote, event.state) == (payloads, payloads, "published")
        stored = {(s.title, s.quote, s.publisher, s.author) for s in event.sources.all()}
        assert stored == {
            (PAYLOADS[i], PAYLOADS[i], labelled(i, PAYLOADS[i]), labelled(i, PAYLOADS[i]))
            for i in group
        }

    # The curators' screens show them as text.
    changelist = client.get(reverse("admin:timeline_event_changelist"))
    assert_inert(changelist)
    for event in Event.objects.all():
        assert escape(event.title) in changelist.content.decode()
    for event in Event.objects.all()[:3]:
        for url in (
            reverse("admin:timeline_event_change", args=[event.pk]),
            reverse("admin:timeline_event_history", args=[event.pk]),
        ):
            response = client.get(url)
            assert_inert(response)
            assert escape(event.title) in response.content.decode()


def test_it_saves_payloads_through_the_person_and_dispute_forms(client, staff):
    fr = Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    ru = Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0]
    blank_person = admin_form_data(client.get(reverse("admin:timeline_person_add")))
    blank_dispute = admin_form_data(client.get(reverse("admin:timeline_dispute_add")))
    for n, (group, text) in enumerate(chunks()):
        payloads = "\n".join(PAYLOADS[i] for i in group)
        data = {**blank_person, "name_en": text, "country": str(fr.pk), "description": payloads}
        data = set_inline(
            data,
            "terms",
            [
                {
                    "office": labelled(i, PAYLOADS[i]),
                    "country": str(ru.pk),
                    "start": corpus_date(i).isoformat(),
                    "end": corpus_date(i + 1).isoformat(),
                }
                for i in group
            ],
        )
        response = client.post(reverse("admin:timeline_person_add"), data)
        assert response.status_code == 302, errors_in(response)

        data = {
            **blank_dispute,
            "slug": f"xss-{n}",
            "name_en": text,
            "summary_en": payloads,
            "parties": [str(fr.pk), str(ru.pk)],
            "start": corpus_date(n).isoformat(),
            "status": "active",
        }
        response = client.post(reverse("admin:timeline_dispute_add"), data)
        assert response.status_code == 302, errors_in(response)

    for n, (group, text) in enumerate(chunks()):
        person = Person.objects.get(name=text)
        assert person.description == "\n".join(PAYLOADS[i] for i in group)
        assert {t.office for t in person.terms.all()} == {labelled(i, PAYLOADS[i]) for i in group}
        assert Dispute.objects.get(slug=f"xss-{n}").summary == "\n".join(PAYLOADS[i] for i in group)

    for name in ("person", "dispute", "officeterm"):
        response = client.get(reverse(f"admin:timeline_{name}_changelist"))
        assert_inert(response)
        assert escape(labelled(0, PAYLOADS[0])) in response.content.decode()
    for obj, name in [(Person.objects.first(), "person"), (Dispute.objects.first(), "dispute")]:
        for view in ("change", "history"):
            assert_inert(client.get(reverse(f"admin:timeline_{name}_{view}", args=[obj.pk])))


def test_the_other_admin_screens_show_the_stored_corpus_as_text(client, staff, corpus):
    for name in ("country", "place", "organization", "tag", "source", "participation", "event"):
        response = client.get(reverse(f"admin:timeline_{name}_changelist"), {"all": ""})
        assert_inert(response)
        assert escape(labelled(7, PAYLOADS[7])) in response.content.decode(), name
    source = Source.objects.get(title=PAYLOADS[5])
    assert_inert(client.get(reverse("admin:timeline_source_change", args=[source.pk])))
    tag = Tag.objects.get(name=labelled(3, PAYLOADS[3]))
    assert_inert(client.get(reverse("admin:timeline_tag_change", args=[tag.pk])))


# Stored through the TimelineJS import ------------------------------------------------------


def test_imported_payloads_lose_their_markup_and_keep_their_text(client, corpus):
    plan = prepare_import(corpus_sheet(), pair="FR-RU", publish=True)
    assert plan.errors == []
    write_import(plan)
    imported = Event.objects.filter(start__year=2019)
    assert imported.count() == len(PAYLOADS)
    for i, payload in enumerate(PAYLOADS):
        event = imported.get(start=corpus_date(i).replace(year=2019))
        # Headline, credit, caption, group and tags are plain text: tags dropped, entities resolved.
        assert event.title == plain_text(imported_headline(i, payload))
        assert event.title.startswith(f"[i{i:02d}]")
        [source] = event.sources.all()
        assert (source.publisher, source.title) == (
            plain_text(labelled(i, payload)),
            plain_text(payload),
        )
        assert plain_text(imported_headline(i, payload)) in {t.name for t in event.tags.all()}
        # The text is sanitised HTML: nothing in it can run.
        assert active_content(event.summary) == []
        response = client.get(event.get_absolute_url())
        assert_inert(response)
        assert escape(event.title) in response.content.decode()
    # Markup gone, text kept: the fullwidth and entity payloads survive as readable text.
    assert imported.filter(title__contains="＜script＞").exists()
    assert imported.filter(
        title__contains="<script>window.__xss=1</script>"
    ).exists()  # from &lt;script&gt;
    assert not imported.filter(summary__icontains="<script").exists()
    assert not imported.filter(summary__iregex=r'=\s*"?\s*javascript:').exists()  # as text only


# Public pages, server side ---------------------------------------------------------------


def test_public_pages_hold_the_corpus_as_text(client, corpus):
    for path in [
        "/",
        "/embed/",
        "/?dispute=xss-05&tag=" + corpus[5].tags.get().slug,
        "/embed/?dispute=xss-07",
    ]:
        response = client.get(path)
        assert_inert(response)
        content = response.content.decode()
        for name in pair_names().values():
            assert escape(name) in content
        assert "window.__xss=1</script>" not in content  # json_script escapes the figure
    for i, event in enumerate(corpus):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(event.get_absolute_url(), headers=headers)
            assert_inert(response)
            content = response.content.decode()
            assert escape(event.title) in content
            assert f"<p>{escape(PAYLOADS[i])}</p>" in content  # the quote, as a paragraph of text
            assert escape(labelled(i, PAYLOADS[i])) in content  # place, person, organisation, tag…


# Exports ---------------------------------------------------------------------------------


def test_the_json_api_carries_the_payloads_intact_as_json(client, corpus):
    response = client.get("/api/events/", {"page_size": 1000})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    records = {r["slug"]: r for r in response.json()["results"]}
    for i, event in enumerate(corpus):
        record = records[event.slug]
        payload, text = PAYLOADS[i], labelled(i, PAYLOADS[i])
        # The summary as text, and the HTML a payload holds sanitised apart (sanitize.text_and_html).
        assert (record["title"], record["quote"]) == (text, payload)
        assert (record["summary"], record["summary_html"]) == text_and_html(payload)
        assert "<script" not in record["summary_html"] and "onerror" not in record["summary_html"]
        assert record["place"]["name"] == text
        assert {p["name"] for p in record["people"]} == {text}
        assert {o["name"] for o in record["organizations"]} == {text}
        [source] = record["sources"]
        assert (source["title"], source["publisher"], source["author"], source["quote"]) == (
            payload,
            text,
            text,
            payload,
        )


def test_the_csv_export_carries_the_payloads_and_neutralises_formulas(client, corpus):
    response = client.get("/api/events.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_slug = {row["slug"]: row for row in rows}
    for i, event in enumerate(corpus):
        row = by_slug[event.slug]
        payload = PAYLOADS[i]

        def inert(cell):
            return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell

        assert (row["summary"], row["quote"]) == (inert(text_and_html(payload)[0]), inert(payload))
        assert row["title"] in (labelled(i, payload), "'" + labelled(i, payload))
    formulas = [p for p in PAYLOADS if p.startswith(FORMULA_TRIGGERS)]
    assert len(formulas) >= 2
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_TRIGGERS), value


def timelinejs_html_fields(document):
    """Every string TimelineJS renders as HTML: headlines, texts, display dates, groups."""
    slides = [document.get("title", {})] + document["events"] + document.get("eras", [])
    for slide in slides:
        for key in ("headline", "text"):
            yield slide.get("text", {}).get(key, "")
        yield slide.get("display_date", "")
        yield slide.get("group", "")


def test_the_timelinejs_export_escapes_titles_and_sanitises_summaries(client, corpus):
    response = client.get("/api/timelinejs.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    fields = list(timelinejs_html_fields(document))
    assert len(fields) > 4 * len(PAYLOADS)
    for html in fields:
        assert active_content(html) == [], html
        assert "<script" not in html.lower()
        # "javascript:" may stand in escaped text, never in a tag (active_content checks the
        # attributes); and no summary keeps a link to it.
    by_id = {e["unique_id"]: e for e in document["events"]}
    for i, event in enumerate(corpus):
        slide = by_id[event.slug]
        assert unescape(slide["text"]["headline"]) == labelled(i, PAYLOADS[i])  # shown as typed
    era_headlines = {unescape(era["text"]["headline"]) for era in document["eras"]}
    assert {labelled(i, p) for i, p in enumerate(PAYLOADS)} <= era_headlines
    assert unescape(document["title"]["text"]["headline"]).startswith(pair_names()["FR"])


def test_the_oembed_answer_carries_the_pair_names_as_data_and_escapes_them_in_its_html(
    client, corpus
):
    response = client.get(
        "/oembed/", {"url": "http://testserver/?kind=statement", "format": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    names = pair_names()
    assert body["title"].startswith(f"{names['FR']} – {names['RU']}")
    frame, script = body["html"].split("\n", 1)
    assert active_content(frame) == ["<iframe>"]  # the expected frame, with nothing else
    assert f'title="{escape(body["title"])}"' in frame
    assert frame.count("<") == 2  # <iframe …></iframe> and nothing else
    assert script == embed_code("x", "y").split("\n", 1)[1]  # the sizing lines, unchanged


# The chart -------------------------------------------------------------------------------

# The only markup build_figure writes itself; everything else in a label is curated text.
CHART_TAGS = re.compile(
    r"<br>|</?b>|</?i>|<span style='color:#[0-9a-f]{6}'>|</span>|<extra></extra>"
)


def plotly_shown(text):
    """What Plotly shows for a label: its own tags dropped, the entities it knows decoded."""
    text = CHART_TAGS.sub(" ", text)
    assert "<" not in text and ">" not in text, text  # nothing else Plotly would take for a tag
    return re.sub(r"&(lt|gt|amp);", lambda m: {"lt": "<", "gt": ">", "amp": "&"}[m[1]], text)


def chart_strings(figure):
    for trace in figure["data"]:
        for key in ("hovertext", "text"):
            yield from (t for t in trace.get(key) or [] if isinstance(t, str))
    layout = figure["layout"]
    yield from layout["yaxis"]["ticktext"]
    yield from (a["text"] for a in layout["annotations"])


def test_the_chart_hands_plotly_curated_text_escaped_and_readable(corpus):
    view = selectors.published_events({"pair": "FR-RU"})
    figure = build_figure(
        list(view),
        selectors.office_terms(["FR", "RU"]),
        selectors.disputes_between(["FR", "RU"]),
        countries=[("FR", "France"), ("RU", "Russia")],
    )
    shown = " ".join(plotly_shown(s) for s in chart_strings(figure))
    squeezed = "".join(shown.split())
    for i, payload in enumerate(PAYLOADS):
        # Shown as typed: escaped for Plotly, without entities it would print as such
        # (Django's escape() writes &quot;, which Plotly does not decode).
        assert "".join(labelled(i, payload).split()) in squeezed, payload
    assert "&quot;" not in shown and "&#x27;" not in shown
    # Curated text travels as hovertext, never inside a hovertemplate (where Plotly would
    # substitute %{…}): the templates are the chart's own.
    for trace in figure["data"]:
        template = trace.get("hovertemplate", "")
        if trace.get("meta") == "tone":  # the temperature: its own words and numbers
            continue
        assert template == "" or template.startswith("%{hovertext}"), template
        assert "%{" not in template.replace("%{hovertext}", "", 1), template
        assert all(
            label not in template for label in (labelled(i, p) for i, p in enumerate(PAYLOADS))
        )


# The embed code a newsroom copies ------------------------------------------------------------


class IframeTitle(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.titles = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "iframe":
            self.titles.append(dict(attrs).get("title"))


def test_the_embed_code_keeps_the_pair_names_inside_its_title_attribute(client, corpus):
    """The dashboard's embed dialog holds the iframe code as the textarea's text: the code
    itself must escape the names, or pasting it into an article injects their markup."""
    content = client.get("/").content.decode()
    textarea = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', content, re.S)[1]
    code = unescape(textarea)  # what the reader sees and copies
    frame, script = code.split("\n", 1)
    names = pair_names()
    parser = IframeTitle()
    parser.feed(frame)
    assert parser.tags == ["iframe"], code
    assert parser.titles == [f"{names['FR']} – {names['RU']}: diplomatic relations timeline"]
    assert active_content(frame) == ["<iframe>"]
    assert script == embed_code("x", "y").split("\n", 1)[1]  # the sizing lines, unchanged


# The admin's TimelineJS import screen and its list of deleted events -----------------------


def hostile_rows_sheet(*, broken=False):
    """The corpus sheet plus rows whose payloads land in the preview's own messages: a
    title row, an era, an unknown Type, a Media that is no link (and, `broken`, a bad year)."""
    rows = [
        ["", "", "", PAYLOADS[0], "", "", "", "", "", "", "title"],
        ["2017", "", "", PAYLOADS[4], "", "", "", "", "", "", "era"],
        [
            "2017",
            "3",
            "1",
            "[t] " + PAYLOADS[6],
            PAYLOADS[7],
            PAYLOADS[25],
            "",
            "",
            "",
            "",
            PAYLOADS[26],
        ],
    ]
    if broken:
        rows.append([PAYLOADS[5], "", "", PAYLOADS[8], "", "", "", "", "", "", ""])
    out = io.StringIO(corpus_sheet().replace("Group,Tag", "Group,Tag,Type", 1))
    lines = out.getvalue().splitlines()
    body = io.StringIO()
    csv.writer(body).writerows(rows)
    return "\r\n".join(lines) + "\r\n" + body.getvalue()


def test_the_import_preview_shows_the_files_payloads_as_text(client, staff, settings, tmp_path):
    settings.TIMELINEJS_IMPORT_DIR = tmp_path / "imports"
    Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    Country.objects.update_or_create(code="RU", defaults={"name": "Russia"})[0]
    url = reverse("admin:timeline_event_import_timelinejs")

    def preview(content):
        upload = SimpleUploadedFile("corpus.csv", content.encode(), content_type="text/csv")
        return client.post(url, {"import_file": upload, "pair": "FR-RU"})

    broken = preview(hostile_rows_sheet(broken=True))
    assert_inert(broken)
    assert not broken.context["token"]
    assert [where for where, _error in broken.context["row_errors"]] == ["row 46"]
    # The bad row's error quotes its payload, as text.
    assert escape(f"start year '{PAYLOADS[5]}' is not a whole number") in broken.content.decode()

    response = preview(hostile_rows_sheet())
    assert_inert(response)
    content = response.content.decode()
    for i, payload in enumerate(PAYLOADS):
        assert escape(plain_text(imported_headline(i, payload))) in content
    assert "is not title, era or a kind" in content  # the Type cell's payload, quoted as text
    assert "Media is not a link" in content
    confirmed = client.post(url, {"token": response.context["token"], "confirm": "1"}, follow=True)
    assert_inert(confirmed)
    assert Event.objects.filter(start__year=2019).count() == len(PAYLOADS)


def test_the_deleted_events_list_shows_their_titles_as_text(client, staff, corpus):
    for event in corpus[:10]:
        event.delete()
    response = client.get(reverse("admin:timeline_event_deleted"))
    assert_inert(response)
    content = response.content.decode()
    for i in range(10):
        assert escape(labelled(i, PAYLOADS[i])) in content
        # Inside the restore button's label too: the attribute holds it whole.
        assert f'aria-label="Restore “{escape(labelled(i, PAYLOADS[i]))}”"' in content
