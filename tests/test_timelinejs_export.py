"""timelinejs_export.build_timelinejs: events, office terms and disputes -> TimelineJS 3 JSON."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from timeline.interchange.timelinejs_export import build_timelinejs
from timeline.models import Country, Dispute, Event, OfficeTerm, Person, Source


def make_event(title="Talks", start=date(2017, 5, 29), precision="day", **fields):
    event = Event.objects.create(
        title=title,
        kind=fields.pop("kind", "meeting"),
        start=start,
        date_precision=precision,
        **fields,
    )
    Source.objects.create(
        event=event, url="https://example.org/report", publisher="AFP", title="Report"
    )
    return event


def export(events, **options):
    return build_timelinejs(
        Event.objects.filter(pk__in=[e.pk for e in events]).prefetch_related("sources"), **options
    )


@pytest.mark.django_db
def test_it_writes_dates_in_their_precision():
    day = make_event("Day", date(2017, 5, 29), end=date(2017, 5, 30))
    month = make_event("Month", date(2016, 10, 1), "month")
    year = make_event("Year", date(1717, 1, 1), "year")

    slides = {s["text"]["headline"]: s for s in export([day, month, year])["events"]}

    assert slides["Day"]["start_date"] == {"year": 2017, "month": 5, "day": 29}
    assert slides["Day"]["end_date"] == {"year": 2017, "month": 5, "day": 30}
    assert slides["Day"]["display_date"] == "29–30 May 2017"
    assert slides["Month"]["start_date"] == {"year": 2016, "month": 10}
    assert slides["Month"]["display_date"] == "October 2016"
    assert slides["Year"]["start_date"] == {"year": 1717}
    assert slides["Year"]["display_date"] == "1717"
    assert "end_date" not in slides["Year"]


@pytest.mark.django_db
def test_it_names_the_slide_by_slug_and_groups_by_kind():
    call = make_event("A call", kind="call")

    [slide] = export([call])["events"]

    assert slide["unique_id"] == call.slug
    assert slide["group"] == "phone call"
    assert slide["diplomacy"]["kind"] == "call"


@pytest.mark.django_db
def test_it_escapes_titles_and_sanitises_text():
    hostile = make_event(
        "<img src=x onerror=alert(1)> & co",
        summary='<p onclick="x()">Leak</p><script>alert(1)</script><a href="javascript:alert(1)">a</a>',
    )

    [slide] = export([hostile], title="<b>France</b>–Russia")["events"]
    text = slide["text"]["text"]

    assert slide["text"]["headline"] == "&lt;img src=x onerror=alert(1)&gt; &amp; co"
    assert text.startswith("<p>Leak</p>")
    for forbidden in ("<script", "onclick", "javascript:", "alert"):
        assert forbidden not in text


@pytest.mark.django_db
def test_it_writes_a_plain_text_summary_as_escaped_paragraphs():
    plain = make_event(summary="Russia's bid & France's answer.\n\nSecond paragraph.")

    [slide] = export([plain])["events"]

    assert slide["text"]["text"].startswith(
        "<p>Russia&#x27;s bid &amp; France&#x27;s answer.</p>\n\n<p>Second paragraph.</p>"
    )


@pytest.mark.django_db
def test_it_links_the_sources_and_the_event_page():
    talks = make_event()
    Source.objects.create(event=talks, title="Le Monde, print edition", publisher="Le Monde")

    [slide] = export([talks], url_for=lambda e: f"https://diplomacy.example/events/{e.slug}/")[
        "events"
    ]
    text = slide["text"]["text"]

    assert (
        '<a href="https://example.org/report" rel="noopener noreferrer nofollow">AFP: Report</a>'
        in text
    )
    assert "Le Monde: Le Monde, print edition" in text
    assert f'<a href="https://diplomacy.example/events/{talks.slug}/">Details</a>' in text
    assert (
        "media" not in slide
    )  # an article's address is no picture: TimelineJS would draw it as one
    assert slide["diplomacy"]["sources"][0] == {
        "url": "https://example.org/report",
        "publisher": "AFP",
        "title": "Report",
    }


@pytest.mark.django_db
def test_it_makes_eras_of_disputes_and_office_terms():
    france = Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]
    make_event(start=date(2017, 5, 29))
    last = make_event("Later", start=date(2017, 7, 7), end=date(2017, 7, 8))
    syria = Dispute.objects.create(slug="syria", name="Syria", start=date(2015, 9, 30))
    hack = Dispute.objects.create(
        slug="hack", name="Hack", start=date(2017, 4, 23), end=date(2017, 5, 29), status="resolved"
    )
    macron = OfficeTerm.objects.create(
        person=Person.objects.create(name="Emmanuel Macron"),
        office="President of France",
        country=france,
        start=date(2017, 5, 14),
    )

    data = export(Event.objects.all(), disputes=[syria, hack], terms=[macron])

    assert data["eras"] == [
        {
            "start_date": {"year": 2015, "month": 9, "day": 30},
            "end_date": {"year": 2017, "month": 7, "day": 8},
            "text": {"headline": "Syria", "text": ""},
        },
        {
            "start_date": {"year": 2017, "month": 4, "day": 23},
            "end_date": {"year": 2017, "month": 5, "day": 29},
            "text": {"headline": "Hack", "text": ""},
        },
        {
            "start_date": {"year": 2017, "month": 5, "day": 14},
            "end_date": {"year": 2017, "month": 7, "day": 8},
            "text": {"headline": "Emmanuel Macron, President of France", "text": ""},
        },
    ]
    assert last.end == date(2017, 7, 8)


@pytest.mark.django_db
def test_it_ends_ongoing_eras_today_without_events():
    syria = Dispute.objects.create(slug="syria", name="Syria", start=date(2015, 9, 30))

    data = build_timelinejs([], disputes=[syria], title="Nothing yet", today=date(2026, 11, 29))

    assert data["events"] == []
    assert data["eras"][0]["end_date"] == {"year": 2026, "month": 11, "day": 29}
    assert data["title"] == {"text": {"headline": "Nothing yet", "text": ""}}


def test_it_exports_the_shipped_dataset_without_queries_of_its_own(
    dataset, django_assert_num_queries
):
    events = list(Event.objects.published().prefetch_related("sources"))
    terms = list(OfficeTerm.objects.select_related("person"))
    disputes = list(Dispute.objects.all())

    with django_assert_num_queries(0):
        data = build_timelinejs(events, terms=terms, disputes=disputes, title="France–Russia")

    assert [s["unique_id"] for s in data["events"]] == [e.slug for e in events]
    assert len(data["events"]) == 27
    assert len(data["eras"]) == len(terms) + len(disputes)
    json.dumps(data)  # plain data, ready for JsonResponse


def test_it_round_trips_the_shipped_dataset_through_an_empty_database(dataset, tmp_path):
    events = Event.objects.published().prefetch_related("sources")
    original = {
        (e.slug, e.title, e.start, e.end, e.date_precision, e.kind, e.cancelled, e.sources.count())
        for e in events
    }
    exported = tmp_path / "france-russia.json"
    exported.write_text(
        json.dumps(build_timelinejs(events, title="France–Russia")), encoding="utf-8"
    )
    Event.objects.all().delete()
    assert not Source.objects.exists()

    out = io.StringIO()
    call_command("import_timelinejs", str(exported), "--pair", "FR-RU", "--publish", stdout=out)

    assert "27 created" in out.getvalue()
    imported = {
        (e.slug, e.title, e.start, e.end, e.date_precision, e.kind, e.cancelled, e.sources.count())
        for e in Event.objects.published()
    }
    assert imported == original
    summaries = dict(Event.objects.values_list("slug", "summary"))
    assert all("Sources:" not in summary for summary in summaries.values())
