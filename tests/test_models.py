"""Every validation rule of the domain model, with the bad input it refuses."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from timeline.dates import Precision, format_date, format_span
from timeline.models import (
    Country,
    Dispute,
    Event,
    OfficeTerm,
    Organization,
    Participation,
    Person,
    Place,
    Source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def france():
    return Country.objects.update_or_create(code="FR", defaults={"name": "France"})[0]


@pytest.fixture
def hollande(france):
    return Person.objects.create(name="François Hollande", country=france)


@pytest.fixture
def macron(france):
    return Person.objects.create(name="Emmanuel Macron", country=france)


def make_event(**overrides):
    values = {"title": "Versailles meeting", "kind": Event.Kind.MEETING, "start": date(2017, 5, 29)}
    values.update(overrides)
    return Event(**values)


def messages(error):
    return " ".join(error.value.messages)


def test_it_refuses_an_event_ending_before_it_starts():
    event = make_event(end=date(2017, 5, 28))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict
    assert "before the start" in messages(error)


def test_it_refuses_a_tone_outside_minus_ten_to_ten():
    for tone in (-11, 11):
        with pytest.raises(ValidationError) as error:
            make_event(tone=tone).full_clean()
        assert "tone" in error.value.message_dict
    make_event(tone=-10).full_clean()
    make_event(tone=10).full_clean()


def test_the_database_also_refuses_an_out_of_range_tone():
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(title="x", kind="meeting", start=date(2017, 1, 1), tone=42)


def test_it_refuses_a_month_precision_date_with_a_day():
    event = make_event(start=date(2016, 10, 11), date_precision=Precision.MONTH)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "date_precision" in error.value.message_dict
    assert "cannot have a day" in messages(error)
    make_event(start=date(2016, 10, 1), date_precision=Precision.MONTH).full_clean()


def test_it_refuses_a_year_precision_date_with_a_month():
    with pytest.raises(ValidationError) as error:
        make_event(start=date(2016, 10, 1), date_precision=Precision.YEAR).full_clean()
    assert "cannot have a month" in messages(error)
    make_event(start=date(2016, 1, 1), date_precision=Precision.YEAR).full_clean()


def test_it_refuses_to_publish_an_event_without_a_source():
    event = make_event()
    event.save()
    event.state = Event.State.PUBLISHED
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "state" in error.value.message_dict
    assert "without at least one source" in messages(error)

    Source.objects.create(event=event, url="https://www.elysee.fr/", title="Programme")
    event.full_clean()


def test_a_source_needs_a_url_or_a_title():
    event = make_event()
    event.save()
    with pytest.raises(ValidationError) as error:
        Source(event=event).full_clean()
    assert "needs a URL" in messages(error)
    Source(event=event, title="Rights activists in Paris protest Putin visit").full_clean()


def test_a_participation_is_a_person_or_an_organisation_not_both(macron):
    event = make_event()
    event.save()
    g7 = Organization.objects.create(name="G7", kind="intergovernmental")
    with pytest.raises(ValidationError):
        Participation(event=event).full_clean()
    with pytest.raises(ValidationError):
        Participation(event=event, person=macron, organization=g7).full_clean()
    Participation(event=event, person=macron, role="host").full_clean()


def test_it_refuses_overlapping_terms_of_one_office(france, hollande, macron):
    OfficeTerm.objects.create(
        person=hollande,
        office="President of France",
        country=france,
        start=date(2012, 5, 15),
        end=date(2017, 5, 14),
    )
    overlapping = OfficeTerm(
        person=macron, office="President of France", country=france, start=date(2017, 5, 1)
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "overlaps François Hollande" in messages(error)


def test_a_same_day_handover_is_not_an_overlap(france, hollande, macron):
    OfficeTerm.objects.create(
        person=hollande,
        office="President of France",
        country=france,
        start=date(2012, 5, 15),
        end=date(2017, 5, 14),
    )
    OfficeTerm(
        person=macron, office="President of France", country=france, start=date(2017, 5, 14)
    ).full_clean()


def test_an_open_term_overlaps_any_later_term(france, hollande, macron):
    OfficeTerm.objects.create(
        person=hollande, office="President of France", country=france, start=date(2012, 5, 15)
    )
    with pytest.raises(ValidationError):
        OfficeTerm(
            person=macron, office="President of France", country=france, start=date(2020, 1, 1)
        ).full_clean()


def test_terms_of_different_offices_may_overlap(france, hollande):
    OfficeTerm.objects.create(
        person=hollande, office="President of France", country=france, start=date(2012, 5, 15)
    )
    OfficeTerm(
        person=hollande, office="Mayor of Tulle", country=france, start=date(2012, 5, 15)
    ).full_clean()


def test_it_refuses_a_term_ending_before_it_starts(france, hollande):
    with pytest.raises(ValidationError) as error:
        OfficeTerm(
            person=hollande,
            office="President of France",
            country=france,
            start=date(2017, 5, 14),
            end=date(2012, 5, 15),
        ).full_clean()
    assert "end" in error.value.message_dict


def test_dispute_dates_and_status_agree(france):
    with pytest.raises(ValidationError) as error:
        Dispute(
            slug="x", name="X", start=date(2017, 1, 1), end=date(2016, 1, 1), status="resolved"
        ).full_clean()
    assert "end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Dispute(slug="x", name="X", start=date(2017, 1, 1), status="resolved").full_clean()
    assert "needs an end date" in messages(error)
    with pytest.raises(ValidationError) as error:
        Dispute(
            slug="x", name="X", start=date(2017, 1, 1), end=date(2017, 2, 1), status="active"
        ).full_clean()
    assert "status" in error.value.message_dict
    Dispute(slug="x", name="X", start=date(2017, 1, 1)).full_clean()


def test_country_codes_are_iso_alpha2():
    for bad in ("FRA", "F", "1F", "ÉT"):
        with pytest.raises(ValidationError) as error:
            Country(code=bad, name="x").full_clean()
        assert "code" in error.value.message_dict
    country = Country(code="xa", name="Atlantis")  # user-assigned: no such country yet
    country.full_clean()
    assert country.code == "XA"


def test_a_place_needs_both_coordinates_or_none():
    with pytest.raises(ValidationError):
        Place(name="Versailles", latitude=48.8).full_clean()
    with pytest.raises(ValidationError):
        Place(name="Nowhere", latitude=95, longitude=0).full_clean()
    Place(name="Versailles", latitude="48.8049", longitude="2.1204").full_clean()


def test_dates_before_1900_are_stored_and_shown():
    event = make_event(
        title="Peter the Great visits France",
        kind="visit",
        start=date(1717, 5, 7),
        end=date(1717, 6, 20),
    )
    event.full_clean()
    event.save()
    event.refresh_from_db()
    assert event.start == date(1717, 5, 7)
    assert event.date_display == "7 May 1717 – 20 June 1717"
    assert format_date(date(1717, 1, 1), Precision.YEAR) == "1717"


def test_dates_are_shown_in_their_precision():
    assert format_date(date(2016, 10, 1), Precision.MONTH) == "October 2016"
    assert format_date(date(2016, 1, 1), Precision.YEAR) == "2016"
    assert format_date(date(2017, 5, 29), Precision.DAY) == "29 May 2017"
    assert format_span(date(2017, 5, 26), date(2017, 5, 27)) == "26–27 May 2017"
    assert format_span(date(2017, 5, 14), None, open_end=True) == "since 14 May 2017"
    event = make_event(start=date(2016, 10, 1), date_precision=Precision.MONTH)
    assert event.date_display == "October 2016"
    assert "1 October" not in str(event)


def test_slugs_are_made_from_date_and_title_and_kept_unique():
    first = make_event()
    first.save()
    second = make_event()
    second.save()
    assert first.slug == "2017-05-29-versailles-meeting"
    assert second.slug == "2017-05-29-versailles-meeting-2"
