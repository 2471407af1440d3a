"""The one place that decides what is public and what a filter means.

Every public view (dashboard, event page, embed, exports) reads events through
`published_events()`; the querysets here fetch what the templates and the chart use in a
fixed number of queries, whatever the number of events.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import Count, DateField, Exists, Max, Min, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce, Trunc

from . import search
from .caching import EVERY, cached, cached_many
from .marks import Totals
from .models import Correction, Country, Dispute, Event, OfficeTerm, Participation


@dataclass(frozen=True)
class Pair:
    code: str  # "FR-RU"
    label: str  # "France – Russia"
    events: int


def pairs_with_events():
    """The pairs of countries that have published events (see `between`), most first.
    Every filter form asks; the answer changes with any country's data, so it is cached
    whole, and rebuilt from each country's pairs, cached under that country's token: an
    edit recounts the pairs of the countries it touched, not all of them."""
    return cached(["pairs"], count_pairs, codes=EVERY)


def count_pairs():
    # Only countries linked to an event or a dispute can be in a pair: of the world's 249,
    # a dozen, each counted (and cached) on its own.
    links = [Event.countries.through, Event.about.through, Dispute.parties.through]
    linked = Q()
    for link in links:
        linked |= Exists(link.objects.filter(country_id=OuterRef("pk")))
    country = {c.pk: c for c in Country.objects.filter(linked)}
    asked = {pk: (["pairs-of", pk], [c.code]) for pk, c in country.items()}
    rows = [row for piece in cached_many(asked, count_pairs_of).values() for row in piece]
    pairs = []
    for a, b, n in rows:
        first, second = sorted((country[a], country[b]), key=lambda c: c.code)
        pairs.append(Pair(f"{first.code}-{second.code}", f"{first.name} – {second.name}", n))
    return sorted(pairs, key=lambda p: (-p.events, p.label))


def count_pairs_of(country_pk):
    """[(country_pk, other_pk, published events)] for the pairs of one country with the
    countries of a greater pk, counted by the database: each event once per pair, whichever
    of `pair_links` puts it there. Any change to such an event touches both countries, so
    this country's token covers the count."""
    event, involved = Event._meta.db_table, Event.countries.through._meta.db_table
    about = Event.about.through._meta.db_table
    in_dispute, parties = (
        Event.disputes.through._meta.db_table,
        Dispute.parties.through._meta.db_table,
    )
    arms = [  # the country of pk `country_pk` in `first`, a greater one in `second`
        f"SELECT one.event_id, one.country_id AS a, other.country_id AS b FROM {first} one "
        f"JOIN {second} other ON other.event_id = one.event_id AND one.country_id < other.country_id "
        "WHERE one.country_id = %s"
        for first, second in [(involved, involved), (involved, about), (about, involved)]
    ]
    arms.append(
        f"SELECT d.event_id, one.country_id, other.country_id FROM {in_dispute} d "
        f"JOIN {parties} one ON one.dispute_id = d.dispute_id "
        f"JOIN {parties} other ON other.dispute_id = d.dispute_id AND one.country_id < other.country_id "
        "WHERE one.country_id = %s"
    )
    sql = f"""
        SELECT pairs.a, pairs.b, COUNT(*) FROM ({" UNION ".join(arms)}) pairs
        JOIN {event} e ON e.id = pairs.event_id
        WHERE e.state = %s
        GROUP BY pairs.a, pairs.b
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [country_pk] * len(arms) + [Event.State.PUBLISHED])
        return cursor.fetchall()


def between(events, codes):
    """Events of the relations between two countries (`pair_links`): a meeting of both, a
    statement of one about the other, an event of a dispute between them (a French
    election hacked from Russia, Russia annexing Crimea while France and Russia are at odds
    over it)."""
    # One IN list, of the pair's events only: the database builds it from the indexes of the
    # link tables and then reads just those events (1 ms for France–Russia among 100,000
    # events of another pair, where an EXISTS per event reads every event).
    first, *others = [links.values("event_id") for links in pair_links(codes)]
    return events.filter(pk__in=first.union(*others))


def of_pair(codes):
    """The condition of `between`, checked event by event: faster when few events are read
    anyway (a zoomed window), where the IN list would be built whole."""
    return reduce(
        operator.or_, [Exists(links.filter(event=OuterRef("pk"))) for links in pair_links(codes)]
    )


def pair_links(codes):
    """The link rows that put an event on a pair's timeline: it involves both countries,
    or involves one and is about the other (Event.about), or is part of a dispute between
    them."""
    a, b = codes
    involved, about = Event.countries.through.objects, Event.about.through.objects
    disputes = Dispute.objects.filter(parties__code=a).filter(parties__code=b).values("pk")
    return [
        involved.filter(country__code=a, event__countries__code=b),
        about.filter(country__code=b, event__countries__code=a),
        about.filter(country__code=a, event__countries__code=b),
        Event.disputes.through.objects.filter(dispute__in=disputes),
    ]


def on_some_pair():
    """The condition of the events some pair's timeline shows (`pair_links`, any pair): a
    country involved and another involved or written about, or a dispute of two parties."""
    involved, about = Event.countries.through.objects, Event.about.through.objects
    another = [
        links.filter(event=OuterRef("event")).exclude(country=OuterRef("country"))
        for links in (involved, about)
    ]
    with_another = involved.filter(event=OuterRef("pk")).filter(
        Exists(another[0]) | Exists(another[1])
    )
    disputes = (
        Dispute.objects.annotate(parties_count=Count("parties"))
        .filter(parties_count__gte=2)
        .values("pk")
    )
    in_dispute = Event.disputes.through.objects.filter(event=OuterRef("pk"), dispute__in=disputes)
    return Exists(with_another) | Exists(in_dispute)


def in_window(events, window):
    """The events touching a window (first day, last day), read through the start index:
    those starting in it, and those that started before and last into it (one OR of both
    reads every earlier event: 160 ms instead of 70 at 100,000 events)."""
    starting = events.filter(start__range=window).values("pk")
    ongoing = events.filter(start__lt=window[0], end__gte=window[0]).values("pk")
    # Dated "between" two days, the window reaching into the view (few: no cost to speak of).
    possibly = events.filter(start__lt=window[0], latest_start__gte=window[0]).values("pk")
    return Event.objects.filter(pk__in=starting.union(ongoing, possibly))


def with_hover(queryset):
    """What the chart's hover and the event list show: place, people, disputes."""
    return queryset.select_related("place").prefetch_related(
        "disputes",
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("person", "organization"),
        ),
    )


def with_details(queryset):
    """Everything an export or a detail panel shows besides, in constant queries."""
    return with_hover(queryset).prefetch_related("countries", "about", "tags")


def published_events(filters=None):
    """Published events matching the cleaned filters of a `TimelineFilter` (all if None),
    with their details, in time order."""
    return with_details(matching_events(filters)).order_by("start", "pk")


def events_by_id(ids):
    """Published events as the chart and the list show them, by id (ids a filter found),
    in time order."""
    return list(with_hover(Event.objects.published().filter(pk__in=ids)).order_by("start", "pk"))


def listed_events(ids):
    """Published events as a page of the event list shows them, by id, in time order: with
    their sources, which the printed list gives under each event."""
    events = Event.objects.published().filter(pk__in=ids).prefetch_related("sources")
    return list(events.order_by("start", "pk"))


def matching_events(filters=None, window=None):
    """The bare queryset of `published_events`, for counting and aggregating; with a
    window (first day, last day), only the events touching it."""
    events = Event.objects.published()
    filters = filters or {}
    if filters.get("q"):
        # First in the WHERE clause: SQLite tests the terms in order, and a row whose text
        # lacks the words needs no test of its pair.
        events = events.filter(search.matching(filters["q"]))
    if filters.get("pair") and (window or filters.get("q")):
        # A window or a search reads few events, or reads every row's text anyway: the
        # pair checked event by event (30-45 ms at 100,000 events) beats building its whole
        # IN list first (120 ms for a pair of 100,000 events; bench/server.py measure_search).
        events = events.filter(of_pair(filters["pair"].split("-")))
    elif filters.get("pair"):
        events = between(events, filters["pair"].split("-"))
    if filters.get("from"):
        # An event overlapping the start of the window counts (a summit 31 Dec – 1 Jan).
        # A multi-day event that lasts into the filter, or one dated "between" two days
        # whose window reaches into it, is in it.
        since = filters["from"]
        events = events.filter(Q(start__gte=since) | Q(end__gte=since) | Q(latest_start__gte=since))
    if filters.get("to"):
        events = events.filter(start__lte=filters["to"])
    if filters.get("kind"):
        events = events.filter(kind__in=filters["kind"])
    if filters.get("dispute"):
        events = events.filter(
            pk__in=Event.disputes.through.objects.filter(dispute=filters["dispute"]).values(
                "event_id"
            )
        )
    if filters.get("person"):
        events = events.filter(
            pk__in=Participation.objects.filter(person=filters["person"]).values("event_id")
        )
    if filters.get("tag"):
        events = events.filter(
            pk__in=Event.tags.through.objects.filter(tag__in=filters["tag"]).values("event_id")
        )
    return in_window(events, window) if window else events


# ---- Aggregates: what the chart draws when there are too many events to draw one by one.


def totals(events):
    """The Totals of a bare queryset (see `matching_events`), in one query."""
    rows = list(
        events.order_by()
        .values("kind")
        .annotate(
            n=Count("pk"),
            cancelled=Count("pk", filter=Q(cancelled=True)),
            first=Min("start"),
            last=Max(Coalesce("end", "start")),
        )
    )
    return Totals(
        count=sum(r["n"] for r in rows),
        by_kind={r["kind"]: r["n"] for r in rows},
        cancelled=sum(r["cancelled"] for r in rows),
        first=min((r["first"] for r in rows), default=None),
        last=max((r["last"] for r in rows), default=None),
    )


# Bin starts computed by SQLite itself: Django's Trunc on SQLite calls a Python function for
# every row, five times slower at 100,000 events. ("%%" is a "%" once Django has bound the
# parameters.) PostgreSQL's date_trunc is already native.
SQLITE_BIN_START = {
    "day": "{0}",
    "week": "date({0}, '-6 days', 'weekday 1')",  # the Monday on or before
    "month": "strftime('%%Y-%%m-01', {0})",
    "quarter": "printf('%%s-%%02d-01', strftime('%%Y', {0}), "
    "((CAST(strftime('%%m', {0}) AS INTEGER) - 1) / 3) * 3 + 1)",
    "year": "strftime('%%Y-01-01', {0})",
}


class BinStart(Trunc):
    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return SQLITE_BIN_START[self.kind].format(sql), params


def event_bins(events, unit):
    """[{kind, bin (first day), n, cancelled}] of a bare queryset, one row per kind and
    `unit` ("day", "week", "month", "quarter", "year") that has events."""
    return list(
        events.order_by()
        .annotate(bin=BinStart("start", unit, output_field=DateField()))
        .values("kind", "bin")
        .annotate(n=Count("pk"), cancelled=Count("pk", filter=Q(cancelled=True)))
        .order_by("bin", "kind")
    )


def daily_tone(events):
    """[(day, sum of tones, number of events)] of a bare queryset, oldest first."""
    return list(
        events.order_by()
        .values("start")
        .annotate(total=Sum("tone"), n=Count("pk"))
        .order_by("start")
        .values_list("start", "total", "n")
    )


def published_by_slug(slugs):
    """The published events among these slugs, in time order, as a list row shows them."""
    return list(Event.objects.published().filter(slug__in=slugs).order_by("start", "pk"))


def event_with_sources(slug):
    """One published event with all a detail panel shows, or None."""
    corrections = Correction.objects.filter(minor=False).order_by("-corrected_at", "-pk")
    return (
        with_details(Event.objects.published())
        .prefetch_related("sources", Prefetch("corrections", queryset=corrections))
        .filter(slug=slug)
        .first()
    )


def office_terms(country_codes):
    """All office terms of these countries, oldest first."""
    return list(
        OfficeTerm.objects.filter(country__code__in=country_codes)
        .select_related("person", "country")
        .order_by("country__name", "start")
    )


def disputes_between(country_codes, dispute=None):
    """Disputes with both countries among their parties (or just the one asked for)."""
    disputes = Dispute.objects.all()
    for code in country_codes:
        disputes = disputes.filter(parties__code=code)
    if dispute is not None:
        disputes = disputes.filter(pk=dispute.pk)
    return list(disputes.order_by("start", "name"))


def countries(codes):
    return {c.code: c for c in Country.objects.filter(code__in=codes)}
