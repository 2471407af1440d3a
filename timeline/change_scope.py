"""Which countries a change to the data touches: caching.py replaces their tokens only.

An event is on the timelines of the pairs among its countries, the countries it is about
and its disputes' parties;
a dispute on its parties' pairs; an office term on its country's. A change to any other
row of the timeline's data (a country's name, a person, a place, a tag…) may show on every
timeline, and replaces the global token. The countries are read both before a change
(pre_save, pre_delete, the m2m "pre_" actions) and after it, so that an event moved from
one pair to another empties the cache of both.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from simple_history.models import HistoricalChanges

from .models import (
    Correction,
    Country,
    DataVersion,
    Dispute,
    Event,
    OfficeTerm,
    Participation,
    Source,
    Suggestion,
)

# The m2m links whose change moves rows between pairs: the countries of which rows they
# read, and the name of those rows seen from the other side (a country's "events_about").
LINKS = {
    Event.countries.through: ("event", "events"),
    Event.about.through: ("event", "events_about"),
    Event.disputes.through: ("event", "events"),
    Event.tags.through: ("event", "events"),
    Dispute.parties.through: ("dispute", "disputes"),
}
ALL = None  # every timeline: the global token


def event_codes(event_ids):
    """Codes of the countries whose pairs show these events."""
    own = Country.objects.filter(events__in=event_ids).order_by().values_list("code", flat=True)
    about = (
        Country.objects.filter(events_about__in=event_ids).order_by().values_list("code", flat=True)
    )
    parties = (
        Country.objects.filter(disputes__events__in=event_ids)
        .order_by()
        .values_list("code", flat=True)
    )
    return set(own.union(about, parties).order_by())


def dispute_codes(dispute_ids):
    return set(Country.objects.filter(disputes__in=dispute_ids).values_list("code", flat=True))


def stored_codes(instance):
    """The countries of a row as the database holds it; ALL for rows every timeline shows."""
    if isinstance(instance, Event):
        return event_codes([instance.pk])
    if isinstance(instance, Participation | Source | Correction):
        stored = type(instance).objects.filter(pk=instance.pk).values_list("event_id", flat=True)
        return event_codes(stored)
    if isinstance(instance, Dispute):
        return dispute_codes([instance.pk])
    if isinstance(instance, OfficeTerm):
        return set(
            OfficeTerm.objects.filter(pk=instance.pk).values_list("country__code", flat=True)
        )
    return ALL


def is_timeline_data(model):
    """Rows readers see; a reader's suggestion is not one (until an editor acts on it), so
    a stream of suggestions never empties the cache."""
    return (
        model._meta.app_label == "timeline"
        and model not in (DataVersion, Suggestion)
        and not issubclass(model, HistoricalChanges)
    )


def link_codes(sender, instance, reverse, pk_set):
    """The countries of the rows an m2m change links, as they are now; ALL for a link
    every timeline shows."""
    if sender not in LINKS:
        return ALL
    rows, related = LINKS[sender]
    codes = event_codes if rows == "event" else dispute_codes
    if not reverse:
        return codes([instance.pk])
    # From the other side (a country's events, a tag's…): pk_set is None for clear().
    ids = pk_set if pk_set is not None else getattr(instance, related).values_list("pk", flat=True)
    return codes(list(ids))


def connect(data_changed):
    """Connect the signals that call data_changed(codes) with the codes a change touches."""

    def remember(sender, instance, **kwargs):
        # A save changes no event's or dispute's countries (their m2m signals do): only
        # the rows whose foreign key says where they show are read before a save.
        saving = kwargs.get("signal") is pre_save
        if saving and isinstance(instance, Event | Dispute):
            return
        if is_timeline_data(sender) and instance.pk is not None:
            instance._codes_before = stored_codes(instance)

    def changed(sender, instance, **kwargs):
        if not is_timeline_data(sender):
            return
        before = getattr(instance, "_codes_before", set())
        after = set() if kwargs.get("signal") is post_delete else stored_codes(instance)
        data_changed(ALL if ALL in (before, after) else before | after)

    def linked(sender, instance, action, reverse, pk_set, **kwargs):
        if not is_timeline_data(sender):
            return
        codes = link_codes(sender, instance, reverse, pk_set)
        if action.startswith("pre_"):
            instance._link_codes_before = codes
            return
        before = getattr(instance, "_link_codes_before", set())
        data_changed(ALL if ALL in (before, codes) else before | codes)

    pre_save.connect(remember, dispatch_uid="timeline-scope-pre-save", weak=False)
    pre_delete.connect(remember, dispatch_uid="timeline-scope-pre-delete", weak=False)
    post_save.connect(changed, dispatch_uid="timeline-scope-post-save", weak=False)
    post_delete.connect(changed, dispatch_uid="timeline-scope-post-delete", weak=False)
    m2m_changed.connect(linked, dispatch_uid="timeline-scope-m2m", weak=False)
