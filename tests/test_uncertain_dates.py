"""Uncertain dates: "c. 1717", "before 1892", "between 12 and 15 May 2017" — through the
model's rules, the admin, the writing in each language, the chart, the date filters, the
TimelineJS import and every export (EDTF, checked with a real EDTF parser)."""

import csv
import io
import json
from datetime import date

import edtf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from timeline.dates import Certainty, Precision, format_uncertain
from timeline.interchange.timelinejs_import import import_timelinejs
from timeline.models import Event

from . import factories as f
from .admin_forms import admin_form_data, errors_in
from .pages import figure_of

pytestmark = pytest.mark.django_db

MAY = date(2017, 5, 12), date(2017, 5, 15)


@pytest.mark.parametrize(
    "language, args, expected",
    [
        ("en", (date(1717, 1, 1), None, Precision.YEAR, Certainty.CIRCA), "c. 1717"),
        ("fr", (date(1717, 1, 1), None, Precision.YEAR, Certainty.CIRCA), "vers 1717"),
        ("ru", (date(1717, 1, 1), None, Precision.YEAR, Certainty.CIRCA), "около 1717 г."),
        ("en", (date(1892, 1, 1), None, Precision.YEAR, Certainty.BEFORE), "before 1892"),
        ("fr", (date(2017, 5, 29), None, Precision.DAY, Certainty.BEFORE), "avant le 29 mai 2017"),
        ("ru", (date(2016, 10, 1), None, Precision.MONTH, Certainty.BEFORE), "до октября 2016 г."),
        ("en", (date(2016, 10, 1), None, Precision.MONTH, Certainty.AFTER), "after October 2016"),
        ("ru", (date(2017, 5, 29), None, Precision.DAY, Certainty.AFTER), "после 29 мая 2017 г."),
        (
            "en",
            (MAY[0], None, Precision.DAY, Certainty.BETWEEN, MAY[1]),
            "between 12 May 2017 and 15 May 2017",
        ),
        (
            "fr",
            (MAY[0], None, Precision.DAY, Certainty.BETWEEN, MAY[1]),
            "entre le 12 mai 2017 et le 15 mai 2017",
        ),
        (
            "ru",
            (date(2016, 10, 1), None, Precision.MONTH, Certainty.BETWEEN, date(2016, 12, 1)),
            "с октября 2016 г. по декабрь 2016 г.",
        ),
        ("fr", (date(2017, 5, 29), None, Precision.DAY, Certainty.EXACT), "29 mai 2017"),
    ],
)
def test_an_uncertain_date_is_written_as_a_person_writes_it(language, args, expected):
    with translation.override(language):
        assert format_uncertain(*args) == expected


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"date_precision": "year", "start": date(1717, 1, 1), "date_certainty": "circa"}, "1717~"),
        (
            {"date_precision": "year", "start": date(1892, 1, 1), "date_certainty": "before"},
            "[..1892]",
        ),
        (
            {"date_precision": "month", "start": date(2016, 10, 1), "date_certainty": "after"},
            "[2016-10..]",
        ),
        (
            {"start": MAY[0], "date_certainty": "between", "latest_start": MAY[1]},
            "[2017-05-12..2017-05-15]",
        ),
        ({"start": date(2017, 5, 26), "end": date(2017, 5, 27)}, "2017-05-26/2017-05-27"),
        ({"date_precision": "month", "start": date(2016, 10, 1)}, "2016-10"),
    ],
)
def test_the_date_is_stored_and_exported_in_edtf(fields, expected):
    event = f.bare_event(**fields)
    event.full_clean()
    assert event.date_edtf == expected
    assert str(edtf.parse_edtf(expected)) == expected  # the parser reads it back the same


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"date_certainty": "between"}, "latest_start"),
        ({"latest_start": date(2017, 6, 1)}, "latest_start"),
        ({"date_certainty": "between", "latest_start": date(2017, 5, 1)}, "latest_start"),
        ({"date_certainty": "before", "end": date(2017, 5, 30)}, "end"),
    ],
)
def test_the_model_refuses_an_uncertainty_that_makes_no_sense(fields, field):
    event = f.bare_event()
    for name, value in fields.items():
        setattr(event, name, value)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert field in error.value.message_dict


def test_a_curator_enters_a_between_date_in_the_admin(client, curator):
    client.force_login(curator)
    url = reverse("admin:timeline_event_add")
    data = {
        **admin_form_data(client.get(url)),
        "title_en": "Secret talks in Geneva",
        "kind": "meeting",
        "start": "2017-05-12",
        "date_precision": "day",
        "date_certainty": "between",
        "tone": "0",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "“Between” needs the latest possible date." in errors_in(refused)
    saved = client.post(url, {**data, "latest_start": "2017-05-15"})
    assert saved.status_code == 302, errors_in(saved)
    event = Event.objects.get(title_en="Secret talks in Geneva")
    assert event.date_edtf == "[2017-05-12..2017-05-15]"


def test_a_date_filter_finds_an_event_whose_window_reaches_into_it(client):
    f.event(
        "Secret talks", date(2017, 5, 1), date_certainty="between", latest_start=date(2017, 5, 20)
    )

    def titles(**params):
        return [e["title"] for e in client.get("/api/events/", params).json()["results"]]

    assert titles(**{"from": "2017-05-10"}) == ["Secret talks"]
    assert titles(**{"from": "2017-05-21"}) == []
    assert titles(**{"from": "2017-04-01", "to": "2017-04-30"}) == []


def test_the_chart_draws_the_uncertainty_and_explains_it(client):
    f.event("Exact talks", date(2017, 3, 1))
    response = client.get("/")
    assert not [t for t in figure_of(response)["data"] if t.get("meta") == "event-uncertainty"]
    assert "Uncertain date" not in response.text

    f.event(
        "Secret talks", date(2017, 5, 1), date_certainty="between", latest_start=date(2017, 5, 20)
    )
    f.event("Old treaty", date(2016, 1, 1), date_precision="year", date_certainty="circa")
    response = client.get("/")
    dotted = next(t for t in figure_of(response)["data"] if t.get("meta") == "event-uncertainty")
    assert dotted["line"]["dash"] == "dot"
    segments = [tuple(dotted["x"][i : i + 2]) for i in range(0, len(dotted["x"]), 3)]
    assert ("2017-05-01", "2017-05-20") in segments
    assert ("2014-01-01", "2018-12-31") in segments  # c. 2016: two years either side
    assert "Uncertain date (dotted: when it may have been)" in response.text


SHEET = (
    "Year,Month,Day,End Year,End Month,End Day,Display Date,Headline,Text,Media,Group\n"
    "1717,,,,,,c. 1717,Peter the Great visits France,,https://example.org/1717,Visit\n"
    "1892,,,,,,before 1892,An early agreement,,https://example.org/1892,Agreement\n"
    "2017,5,12,2017,5,15,between 12 and 15 May 2017,Secret talks,,https://example.org/s,Meeting\n"
    "2017,5,29,,,,29 May 2017,Versailles,,https://example.org/v,Meeting\n"
)


def test_the_import_reads_the_certainty_from_the_display_date(db):
    f.migrate_a_fresh_database()
    import_timelinejs(SHEET.encode(), pair="FR-RU")
    events = {e.title_en: e for e in Event.objects.all()}
    assert events["Peter the Great visits France"].date_edtf == "1717~"
    assert events["An early agreement"].date_edtf == "[..1892]"
    secret = events["Secret talks"]
    assert (secret.date_certainty, secret.end, secret.latest_start) == (
        "between",
        None,
        date(2017, 5, 15),
    )
    assert events["Versailles"].date_certainty == "exact"


def test_every_export_carries_the_edtf_date(client):
    f.event("Old treaty", date(1717, 1, 1), date_precision="year", date_certainty="circa")
    record = client.get("/api/events/").json()["results"][0]
    assert (record["date_edtf"], record["date_display"]) == ("1717~", "c. 1717")
    rows = list(csv.DictReader(io.StringIO(client.get("/api/events.csv").text.lstrip("\ufeff"))))
    assert rows[0]["date_edtf"] == "1717~" and rows[0]["date"] == "c. 1717"
    timelinejs = json.loads(client.get("/api/timelinejs.json").content)
    assert timelinejs["events"][0]["display_date"] == "c. 1717"
