"""Synthetic events for benchmarks: realistic mix, own pair, curated data untouched."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from timeline.models import Event
from timeline.synthetic import SLUG_PREFIX, delete_events, generate_events


def synthetic():
    return Event.objects.filter(slug__startswith=SLUG_PREFIX)


def test_it_makes_published_sourced_events_with_a_realistic_mix(db):
    assert generate_events(300, seed=7) == 300
    events = synthetic()
    assert events.count() == events.published().count() == 300
    assert not events.unsourced().exists()
    for event in events.prefetch_related("countries")[:20]:
        assert sorted(c.code for c in event.countries.all()) == ["XA", "XB"]
        event.full_clean()  # synthetic rows obey the curators' rules too
    kinds = set(events.values_list("kind", flat=True))
    assert len(kinds) >= 9
    precisions = set(events.values_list("date_precision", flat=True))
    assert precisions == {"day", "month", "year"}
    assert events.filter(cancelled=True).exists()
    assert events.filter(disputes__isnull=False).exists()
    assert events.filter(participations__isnull=False).distinct().count() == 300
    tones = list(events.values_list("tone", flat=True))
    assert min(tones) < -4 and max(tones) > 4


def test_the_same_seed_gives_the_same_events(db):
    generate_events(50, seed=3)
    first = list(synthetic().order_by("slug").values_list("kind", "start", "tone"))
    delete_events()
    generate_events(50, seed=3)
    assert list(synthetic().order_by("slug").values_list("kind", "start", "tone")) == first


def test_delete_leaves_the_curated_data_alone(dataset):
    curated = Event.objects.count()
    generate_events(40)
    assert Event.objects.count() == curated + 40
    delete_events()
    assert Event.objects.count() == curated


def test_the_command_needs_a_count(db):
    with pytest.raises(CommandError, match="--count"):
        call_command("generate_events")
    call_command("generate_events", "--count", "25", "--seed", "2")
    assert synthetic().count() == 25
