"""forms.TimelineFilter and selectors.published_events: what each filter accepts and means."""

from datetime import date, timedelta

import pytest
from django.http import QueryDict

from timeline import selectors
from timeline.forms import TimelineFilter
from timeline.models import Event, Participation
from timeline.pairs import DEFAULT_PAIR, normalise_pair

from . import factories as f

pytestmark = pytest.mark.django_db


def form_for(query):
    return TimelineFilter(QueryDict(query))


def titles(query):
    form = form_for(query)
    assert form.is_valid(), form.errors
    return [e.title for e in selectors.published_events(form.cleaned_data)]


@pytest.fixture
def story():
    """A small FR–RU story with one event of each kind of thing a filter can pick."""
    macron, putin = f.person("Emmanuel Macron", "FR"), f.person("Vladimir Putin", "RU")
    syria = f.dispute("syria", date(2015, 9, 30), name="Syria and Aleppo")
    hack = f.dispute("hack", date(2017, 4, 23), date(2017, 5, 29))
    f.event(
        "Versailles",
        date(2017, 5, 29),
        Event.Kind.MEETING,
        disputes=[syria, hack],
        tags=["leaders"],
        people=[(macron, Participation.Role.HOST), (putin, Participation.Role.GUEST)],
        place="Versailles",
        summary="Talks at the palace.",
    )
    f.event("Aleppo veto", date(2016, 10, 8), Event.Kind.STATEMENT, disputes=[syria], tags=["un"])
    f.event(
        "Phone call",
        date(2017, 5, 18),
        Event.Kind.CALL,
        people=[(macron, Participation.Role.PARTICIPANT)],
    )
    f.event("Kyiv talks", date(2015, 2, 11), Event.Kind.SUMMIT, countries=("RU", "UA"))
    f.event(
        "Macron's run-off",
        date(2017, 5, 7),
        Event.Kind.ELECTION,
        countries=("FR",),
        disputes=[hack],
    )
    f.event(
        "Draft meeting",
        date(2017, 5, 20),
        Event.Kind.MEETING,
        state=Event.State.DRAFT,
        tags=["leaders"],
    )


def test_an_empty_form_is_valid_and_means_france_russia():
    form = form_for("")
    assert form.is_valid()
    assert form.cleaned_data["pair"] == DEFAULT_PAIR
    assert form.pair_codes == ("FR", "RU")


def test_it_lists_the_pairs_that_have_events(story):
    form = form_for("")
    codes = [code for code, _label in form.fields["pair"].widget.choices]
    assert codes[0] == "FR-RU"
    assert "RU-UA" in codes
    assert "FR-UA" not in codes
    assert dict(form.fields["pair"].widget.choices)["FR-RU"] == "France – Russia"


def test_pairs_count_only_published_events(story):
    f.event("Draft only", date(2017, 1, 1), countries=("DE", "FR"), state=Event.State.DRAFT)
    assert "DE-FR" not in [p.code for p in selectors.pairs_with_events()]


@pytest.mark.parametrize(
    "raw, pair",
    [
        ("FR-RU", "FR-RU"),
        ("RU-FR", "FR-RU"),
        ("fr-ru", "FR-RU"),
        (" fr - ru ", "FR-RU"),
        ("", None),
        ("FRA-RU", None),
        ("FR", None),
        ("FR-FR", None),
        ("F1-RU", None),
    ],
)
def test_pairs_are_two_iso_codes(raw, pair):
    assert normalise_pair(raw) == pair


def test_the_pair_filter_keeps_events_of_both_countries_and_of_their_disputes(story):
    assert titles("pair=FR-RU") == ["Aleppo veto", "Macron's run-off", "Phone call", "Versailles"]
    assert titles("pair=RU-FR") == titles("pair=FR-RU")
    assert titles("pair=RU-UA") == ["Kyiv talks"]


def test_drafts_are_never_selected(story):
    assert "Draft meeting" not in titles("")
    assert "Draft meeting" not in titles("tag=leaders")
    assert "Draft meeting" not in titles("kind=meeting")


def test_the_date_filters_include_their_days(story):
    assert titles("from=2017-05-07&to=2017-05-18") == ["Macron's run-off", "Phone call"]
    assert titles("from=2017-05-19") == ["Versailles"]
    assert titles("to=2016-12-31") == ["Aleppo veto"]


def test_an_event_running_into_the_window_counts():
    f.event("Long summit", date(2016, 12, 30), Event.Kind.SUMMIT, end=date(2017, 1, 2))
    assert titles("from=2017-01-01") == ["Long summit"]


def test_kind_is_repeatable(story):
    assert titles("kind=meeting") == ["Versailles"]
    assert titles("kind=meeting&kind=call") == ["Phone call", "Versailles"]


def test_dispute_person_tag_and_words(story):
    assert titles("dispute=syria") == ["Aleppo veto", "Versailles"]
    assert titles("dispute=hack") == ["Macron's run-off", "Versailles"]
    assert titles("person=vladimir-putin") == ["Versailles"]
    assert titles("person=emmanuel-macron") == ["Phone call", "Versailles"]
    assert titles("tag=un") == ["Aleppo veto"]
    assert titles("tag=un&tag=leaders") == ["Aleppo veto", "Versailles"]
    assert titles("q=palace") == ["Versailles"]  # in the summary
    assert titles("q=VETO") == ["Aleppo veto"]  # in the title, any case
    assert titles("q=versailles") == ["Versailles"]  # the place


def test_filters_combine(story):
    assert titles("dispute=syria&kind=statement") == ["Aleppo veto"]
    assert titles("dispute=syria&from=2017-01-01") == ["Versailles"]
    assert titles("person=emmanuel-macron&tag=leaders&kind=meeting") == ["Versailles"]
    assert titles("dispute=syria&kind=call") == []


def test_a_tag_on_several_matching_events_lists_each_once(story):
    assert titles("tag=un&tag=leaders&dispute=syria") == ["Aleppo veto", "Versailles"]


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("kind=picnic", "kind", "Unknown kind “picnic”"),
        ("kind=meeting&kind=picnic", "kind", "Unknown kind “picnic”"),
        ("pair=FR-XX", "pair", "Unknown pair “FR-XX”"),
        ("pair=France", "pair", "two different ISO 3166-1 alpha-2 country codes"),
        ("dispute=atlantis", "dispute", "Unknown dispute “atlantis”"),
        ("person=nobody", "person", "Unknown person “nobody”"),
        ("tag=nothing", "tag", "Unknown tag “nothing”"),
        ("from=2017-13-01", "from", "“from”: there is no day 2017-13-01 in the calendar"),
        ("from=29/05/2017", "from", "“from” must be a date written YYYY-MM-DD"),
        ("to=yesterday", "to", "“to” must be a date written YYYY-MM-DD"),
        ("from=2017-06-01&to=2017-01-01", "to", "“to” cannot be before “from”"),
        ("q=" + "x" * 201, "q", "“q” can be at most 200 characters"),
    ],
)
def test_bad_input_names_the_parameter(story, query, field, message):
    form = form_for(query)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]


def test_a_person_without_published_events_is_unknown(story):
    f.person("Somebody Else", "FR")
    assert form_for("person=somebody-else").errors["person"]


def test_the_form_offers_only_people_and_tags_of_published_events(story):
    form = form_for("")
    people = [p.slug for p in form.fields["person"].queryset]
    assert sorted(people) == ["emmanuel-macron", "vladimir-putin"]
    tags = [t.slug for t in form.fields["tag"].queryset]
    assert sorted(tags) == ["leaders", "un"]


def test_the_fields_are_the_url_parameters_in_order():
    assert list(form_for("").fields) == [
        "pair",
        "from",
        "to",
        "kind",
        "dispute",
        "person",
        "tag",
        "q",
    ]


def test_the_axis_fits_the_events_the_filters_chose_and_stops_there(client, dataset):
    from .test_dashboard import figure_of

    syria = figure_of(client.get("/", {"dispute": "syria"}))
    first, last = syria["layout"]["meta"]["full_range"]
    events = Event.objects.published().filter(disputes__slug="syria")
    earliest = min(e.start for e in events)
    latest = max(e.end or e.start for e in events)
    # Padded by a few weeks and rounded to whole months, no more (was 2009-12 to 2017-07).
    assert earliest.replace(day=1) - timedelta(days=62) <= date.fromisoformat(first) <= earliest
    assert latest <= date.fromisoformat(last) <= latest + timedelta(days=62)
    xaxis = syria["layout"]["xaxis"]
    assert (xaxis["minallowed"], xaxis["maxallowed"]) == (first, last)
    whole = figure_of(client.get("/"))["layout"]["meta"]["full_range"]
    assert whole[0] < first
