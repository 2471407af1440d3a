"""Synthetic but realistic events for benchmarks and scale tests.

They live between two countries of their own — XA and XB, ISO 3166-1 user-assigned codes
that no real country has — so a benchmark never touches the curated data, and deleting
them (`generate_events --delete`) leaves the curated data alone.

Rows are bulk-inserted without history: they are test data, not curated facts.
"""

import random
from datetime import date, timedelta

from django.db import transaction

from . import planner, search
from .caching import data_changed
from .dates import Precision
from .languages import in_original_language
from .models import (
    Country,
    Dispute,
    Event,
    OfficeTerm,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)

PAIR = ("XA", "XB")
COUNTRY_NAMES = {"XA": "Synthetic Republic A", "XB": "Synthetic Federation B"}
SLUG_PREFIX = "synthetic-"
FIRST_DAY = date(2000, 1, 1)
SPAN_DAYS = 24 * 365  # 24 years, as in the benchmark

# Kind, its weight, and the tone range it is drawn from (conflict … cooperation).
KINDS = [
    ("meeting", 14, (1, 5)),
    ("visit", 8, (2, 6)),
    ("call", 12, (0, 3)),
    ("summit", 4, (1, 5)),
    ("statement", 30, (-6, 3)),
    ("protest", 6, (-4, -1)),
    ("election", 3, (-1, 1)),
    ("cyber", 5, (-8, -4)),
    ("military", 6, (-10, -5)),
    ("sanction", 6, (-7, -4)),
    ("agreement", 6, (4, 9)),
]
TAGS = ["energy", "trade", "security", "human-rights", "culture", "media", "migration"]
ROLES = ["host", "guest", "participant", "speaker", "subject"]
BATCH = 2000


@in_original_language
def ensure_reference():
    """The synthetic pair, its leaders, organisations, places, disputes and tags."""
    countries = {
        code: Country.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in COUNTRY_NAMES.items()
    }
    people = []
    for code, country in countries.items():
        for n in range(4):
            person, _ = Person.objects.get_or_create(
                slug=f"{SLUG_PREFIX}{code.lower()}-leader-{n + 1}",
                defaults={"name": f"Leader {n + 1} of {country.name}", "country": country},
            )
            people.append(person)
            OfficeTerm.objects.get_or_create(
                person=person,
                office=f"President of {country.name}",
                country=country,
                start=FIRST_DAY + timedelta(days=n * SPAN_DAYS // 4),
                defaults={
                    "end": FIRST_DAY + timedelta(days=(n + 1) * SPAN_DAYS // 4) if n < 3 else None
                },
            )
    organizations = [
        Organization.objects.get_or_create(
            slug=f"{SLUG_PREFIX}org-{n}", defaults={"name": f"Synthetic Organisation {n}"}
        )[0]
        for n in range(6)
    ]
    places = [
        Place.objects.get_or_create(
            name=f"Synthetic City {n} ({code})", defaults={"country": countries[code]}
        )[0]
        for code in PAIR
        for n in range(5)
    ]
    disputes = []
    for n in range(6):
        start = FIRST_DAY + timedelta(days=n * SPAN_DAYS // 6)
        ended = n % 2 == 0
        dispute, created = Dispute.objects.get_or_create(
            slug=f"{SLUG_PREFIX}dispute-{n + 1}",
            defaults={
                "name": f"Synthetic dispute {n + 1}",
                "start": start,
                "end": start + timedelta(days=SPAN_DAYS // 5) if ended else None,
                "status": Dispute.Status.RESOLVED if ended else Dispute.Status.ACTIVE,
            },
        )
        if created:
            dispute.parties.add(*countries.values())
        disputes.append(dispute)
    tags = [
        Tag.objects.get_or_create(
            slug=f"{SLUG_PREFIX}{name}", defaults={"name": f"{name} (synthetic)"}
        )[0]
        for name in TAGS
    ]
    return countries, people, organizations, places, disputes, tags


def random_date(rng):
    """A start date and its precision: mostly days, some months, a few years."""
    day = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
    roll = rng.random()
    if roll < 0.05:
        return day.replace(month=1, day=1), Precision.YEAR
    if roll < 0.20:
        return day.replace(day=1), Precision.MONTH
    return day, Precision.DAY


@in_original_language
def generate_events(count, *, seed=1, progress=None):
    """Create `count` published synthetic events; returns how many were made."""
    rng = random.Random(seed)
    reference = ensure_reference()
    first = Event.objects.filter(slug__startswith=SLUG_PREFIX).count()
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            numbers = range(first + made, first + made + size)
            places = reference[3]
            events = [
                synthetic_event(rng, f"{SLUG_PREFIX}{seed}-{n:07d}", n, places) for n in numbers
            ]
            search.refresh(events)  # what save() would do
            link_events(rng, Event.objects.bulk_create(events), reference)
            data_changed()  # bulk writes send no signals
            planner.analyze_events()
        made += size
        if progress:
            progress(made, count)
    return made


KIND_NAMES, KIND_WEIGHTS = [k[0] for k in KINDS], [k[1] for k in KINDS]
TONE_RANGES = {k[0]: k[2] for k in KINDS}


def synthetic_event(rng, slug, n, places):
    """One unsaved published event: its kind by weight, a date in its precision, a tone in
    its kind's range."""
    kind = rng.choices(KIND_NAMES, KIND_WEIGHTS)[0]
    start, precision = random_date(rng)
    lasting = kind in ("summit", "visit", "protest") and precision == Precision.DAY
    end = start + timedelta(days=rng.randint(1, 3)) if lasting and rng.random() < 0.4 else None
    return Event(
        slug=slug,
        title=f"Synthetic {kind} #{n}",
        kind=kind,
        start=start,
        end=end,
        date_precision=precision,
        cancelled=kind in ("visit", "meeting", "summit") and rng.random() < 0.05,
        summary=f"A synthetic {kind} between the two synthetic countries, for benchmarks.",
        place=rng.choice(places) if rng.random() < 0.8 else None,
        tone=rng.randint(*TONE_RANGES[kind]),
        state=Event.State.PUBLISHED,
    )


def link_events(rng, events, reference):
    """The saved events' countries, disputes, tags, participants and one source each."""
    countries, people, organizations, _places, disputes, tags = reference
    links = Event.countries.through
    links.objects.bulk_create(
        [links(event=e, country=c) for e in events for c in countries.values()]
    )
    in_dispute = Event.disputes.through
    in_dispute.objects.bulk_create(
        [in_dispute(event=e, dispute=rng.choice(disputes)) for e in events if rng.random() < 0.4]
    )
    tagged = Event.tags.through
    tagged.objects.bulk_create(
        [tagged(event=e, tag=t) for e in events for t in rng.sample(tags, rng.randint(0, 2))]
    )
    Participation.objects.bulk_create(
        [
            Participation(event=e, person=person, role=rng.choice(ROLES))
            for e in events
            for person in rng.sample(people, rng.randint(1, 2))
        ]
        + [
            Participation(event=e, organization=rng.choice(organizations), role="participant")
            for e in events
            if rng.random() < 0.2
        ]
    )
    publishers = ["Synthetic Wire", "Example Daily", "Test Gazette"]
    Source.objects.bulk_create(
        [
            Source(
                event=e,
                url=f"https://news.example/{e.slug}",
                publisher=rng.choice(publishers),
                title=f"Report on {e.title}",
                published=e.start,
            )
            for e in events
        ]
    )


def delete_events():
    """Remove every synthetic event (their sources and participations go with them)."""
    deleted, _ = Event.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    return deleted
