"""Small builders for the tests: users in the curators' groups, countries, people, terms,
disputes, events."""

import importlib
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from timeline import planner, search
from timeline.caching import data_changed
from timeline.models import (
    Country,
    Dispute,
    Event,
    OfficeTerm,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)

# The password of the users that log in through the login form (the others force_login).
PASSWORD = "a-long-test-password"


def make_user(username, group=None, *, is_staff=True, password=PASSWORD, **extra):
    """A staff user, in one of the groups timeline.roles makes (CURATOR, EDITOR) if given."""
    user = get_user_model().objects.create_user(
        username=username, password=password, is_staff=is_staff, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def bare_event(title="Versailles meeting", *, sources=0, **values):
    """An event with only what the model requires (a meeting on 29 May 2017), and `sources`
    plain sources."""
    values = {"kind": Event.Kind.MEETING, "start": date(2017, 5, 29), **values}
    made = Event.objects.create(title=title, **values)
    for n in range(sources):
        Source.objects.create(event=made, url=f"https://example.org/{made.pk}/{n}", title="Report")
    return made


def country(code, name=None):
    names = {"FR": "France", "RU": "Russia", "UA": "Ukraine", "SY": "Syria", "DE": "Germany"}
    return Country.objects.get_or_create(
        code=code, defaults={"name": name or names.get(code, code)}
    )[0]


def person(name, code=None):
    return Person.objects.get_or_create(
        name=name, defaults={"country": country(code) if code else None}
    )[0]


def term(name, office, code, start, end=None):
    return OfficeTerm.objects.create(
        person=person(name, code), office=office, country=country(code), start=start, end=end
    )


def dispute(slug, start, end=None, parties=("FR", "RU"), name=None):
    status = Dispute.Status.RESOLVED if end else Dispute.Status.ACTIVE
    d = Dispute.objects.create(
        slug=slug, name=name or slug.replace("-", " ").title(), start=start, end=end, status=status
    )
    d.parties.add(*[country(c) for c in parties])
    return d


def tag(slug):
    return Tag.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ")})[0]


def event(
    title,
    start,
    kind=Event.Kind.MEETING,
    *,
    countries=("FR", "RU"),
    state=Event.State.PUBLISHED,
    disputes=(),
    tags=(),
    people=(),
    place=None,
    **fields,
):
    e = Event.objects.create(title=title, start=start, kind=kind, state=state, **fields)
    e.countries.add(*[country(c) for c in countries])
    e.disputes.add(*disputes)
    e.tags.add(*[tag(t) if isinstance(t, str) else t for t in tags])
    for p, role in people:
        Participation.objects.create(event=e, person=p, role=role)
    if place:
        e.place = Place.objects.get_or_create(name=place)[0]
        e.save(update_fields=["place"])
    Source.objects.create(
        event=e, url=f"https://example.org/{e.slug}", title=title, publisher="Example"
    )
    return e


def many_events(n, *, start=date(2010, 1, 1)):
    """n published FR–RU events, each with a person, a dispute, a tag, a place and a
    source: bulk-created (no history rows), so that 200 of them take no time."""
    fr, ru = country("FR"), country("RU")
    macron = person("Emmanuel Macron", "FR")
    row = Dispute.objects.filter(slug="row").first() or dispute("row", date(2009, 1, 1))
    tags = [tag(f"tag-{i}") for i in range(3)]
    places = [Place.objects.get_or_create(name=f"Place {i}")[0] for i in range(4)]
    offset = Event.objects.count()
    made = [
        Event(
            title=f"Event {offset + i}",
            slug=f"event-{offset + i}",
            start=date(start.year + i // 300, 1 + (i // 25) % 12, 1 + i % 25),
            kind=Event.Kind.values[i % len(Event.Kind.values)],
            state=Event.State.PUBLISHED,
            place=places[i % 4],
            cancelled=(i % 7 == 0),
            tone=(i % 21) - 10,
        )
        for i in range(n)
    ]
    search.refresh(made)  # as the app's own bulk writers do
    events = Event.objects.bulk_create(made)
    Event.countries.through.objects.bulk_create(
        [Event.countries.through(event=e, country=c) for e in events for c in (fr, ru)]
    )
    Event.disputes.through.objects.bulk_create(
        [Event.disputes.through(event=e, dispute=row) for e in events]
    )
    Event.tags.through.objects.bulk_create(
        [Event.tags.through(event=e, tag=tags[i % 3]) for i, e in enumerate(events)]
    )
    Participation.objects.bulk_create(
        [Participation(event=e, person=macron, role=Participation.Role.HOST) for e in events]
    )
    Source.objects.bulk_create(
        [Source(event=e, url=f"https://example.org/{e.slug}", title=e.title) for e in events]
    )
    data_changed()  # as the app's own bulk writers do: bulk_create sends no signals
    planner.analyze_events()
    return events


def migrate_a_fresh_database():
    """What `migrate` does on a fresh install: the countries' data migration, run here on
    an empty table (a live-server test before this one may have emptied every table)."""
    Country.objects.all().delete()
    migration = importlib.import_module("timeline.migrations.0010_every_country")
    migration.add_countries(apps, schema_editor=None)
