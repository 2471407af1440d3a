"""Load a curated dataset (a folder of CSV files) into the database.

The shipped France–Russia dataset lives in timeline/datasets/france-russia/. Optional
columns carry the other languages' versions beside the originals, `<field>_<code>` for each
language of settings.LANGUAGES: `name_fr`, `name_ru` (countries, disputes, people, tags),
`summary_fr` (disputes), `title_ru`, `summary_ru`, `quote_fr` (events)…; an empty cell means
no version (those pages then show the original), a missing column leaves the versions the
database has (the Russian names django-countries gave the countries, say). In
events.csv, the optional `about` column lists the countries an event is about without taking
part (codes separated by ";"). Loading is
idempotent: rows are matched on their natural keys (country code, slugs, place name, office
term start) and saved only when something changed, so reloading neither duplicates rows nor
fills the history with empty revisions, and curators' additions are kept.

Every row goes through the models' full_clean(), so the dataset obeys the same rules as the
admin; a bad row stops the load (nothing is written) with its file, line and reason.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .languages import ORIGINAL_LANGUAGE, exported_name, in_original_language, translated_codes
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

SHIPPED_DATASET = Path(__file__).parent / "datasets" / "france-russia"


class DatasetError(Exception):
    """A row that cannot be loaded, with where it is and why."""


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    new_rows: set = field(default_factory=set)  # (model, pk) created by this load
    singular: dict = field(default_factory=dict)  # "countries" -> "country", for "1 country"

    def count(self, obj, created):
        """One row saved; a row this load created and then changed (an event published once
        its sources exist) counts once, as created."""
        key = (type(obj), obj.pk)
        if not created and key in self.new_rows:
            return
        if created:
            self.new_rows.add(key)
        bucket = self.created if created else self.updated
        name = str(type(obj)._meta.verbose_name_plural)
        self.singular[name] = str(type(obj)._meta.verbose_name)
        bucket[name] = bucket.get(name, 0) + 1

    def __str__(self):
        def fmt(counts):
            said = [f"{n} {self.singular[name] if n == 1 else name}" for name, n in counts.items()]
            return ", ".join(said) or "nothing"

        return f"created {fmt(self.created)}; updated {fmt(self.updated)}"


def split(cell):
    return [item.strip() for item in (cell or "").split(";") if item.strip()]


def texts(row, *fields):
    """{'title_en': …, 'title_fr': …}: the versions of `fields` a row gives (its columns
    named as the exports name them: 'title' the original, 'title_fr'…); a version whose
    column the file lacks is left as the database has it."""
    values = {}
    for name in fields:
        values[f"{name}_{ORIGINAL_LANGUAGE}"] = row[name]
        for code in translated_codes():
            if exported_name(name, code) in row:
                # None, not "": no version (and no clash on a unique name's versions).
                values[f"{name}_{code}"] = row[exported_name(name, code)] or None
    return values


def parse_date(cell, where):
    try:
        return date.fromisoformat(cell) if cell else None
    except ValueError:
        raise DatasetError(f"{where}: {cell!r} is not a date (YYYY-MM-DD)") from None


def parse_int(cell, where):
    try:
        return int(cell or 0)
    except ValueError:
        raise DatasetError(f"{where}: {cell!r} is not a whole number") from None


def add_missing(related, objects):
    """Add to an m2m only what is missing: an empty add() would still record a revision."""
    present = set(related.values_list("pk", flat=True))
    missing = [obj for obj in objects if obj.pk not in present]
    if missing:
        related.add(*missing)


def parse_pairs(cell):
    """'emmanuel-macron:host;vladimir-putin:guest' -> [('emmanuel-macron', 'host'), …]"""
    pairs = []
    for item in split(cell):
        slug, _, role = item.partition(":")
        pairs.append((slug.strip(), role.strip() or Participation.Role.PARTICIPANT))
    return pairs


class Loader:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.report = LoadReport()

    def rows(self, name):
        path = self.directory / name
        with path.open(newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                yield f"{name}:{line}", row

    def upsert(self, model, lookup, values, where):
        """Get or create the row matching `lookup`; save only when a value differs."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = created
        for name, value in values.items():
            if created or (getattr(obj, name) or "") != (value or ""):
                setattr(obj, name, value)
                changed = True
        if changed:
            self.validate(obj, where)
            obj._change_reason = f"Loaded from dataset {self.directory.name}"  # shown in history
            obj.save()
            self.report.count(obj, created)
        return obj

    def validate(self, obj, where):
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as error:
            raise DatasetError(f"{where}: {'; '.join(error.messages)}") from error

    def lookup(self, model, where, **key):
        try:
            return model.objects.get(**key)
        except model.DoesNotExist:
            label = ", ".join(f"{k}={v!r}" for k, v in key.items())
            raise DatasetError(f"{where}: unknown {model._meta.verbose_name} ({label})") from None

    def load(self):
        with transaction.atomic():
            self.load_reference()
            self.load_events()
        return self.report

    def load_reference(self):
        """Every row the events refer to, each file in the order its references need."""
        self.load_countries()
        self.load_people()
        self.load_organizations()
        self.load_places()
        self.load_offices()
        self.load_tags()
        self.load_disputes()

    def country_or_none(self, where, code):
        return self.lookup(Country, where, code=code) if code else None

    def load_countries(self):
        for where, row in self.rows("countries.csv"):
            values = texts(row, "name")
            self.upsert(Country, {"code": row["code"]}, values, where)

    def load_people(self):
        for where, row in self.rows("people.csv"):
            values = {**texts(row, "name"), "country": self.country_or_none(where, row["country"])}
            self.upsert(Person, {"slug": row["slug"]}, values, where)

    def load_organizations(self):
        for where, row in self.rows("organizations.csv"):
            country = self.country_or_none(where, row["country"])
            values = {**texts(row, "name"), "kind": row["kind"], "country": country}
            self.upsert(Organization, {"slug": row["slug"]}, values, where)

    def load_places(self):
        for where, row in self.rows("places.csv"):
            country = self.country_or_none(where, row["country"])
            values = {**texts(row, "name"), "country": country, "latitude": None, "longitude": None}
            if row["latitude"]:
                values["latitude"] = Place._meta.get_field("latitude").to_python(row["latitude"])
                values["longitude"] = Place._meta.get_field("longitude").to_python(row["longitude"])
            self.upsert(Place, {f"name_{ORIGINAL_LANGUAGE}": row["name"]}, values, where)

    def load_offices(self):
        for where, row in self.rows("offices.csv"):
            key = {
                "person": self.lookup(Person, where, slug=row["person"]),
                "office": row["office"],
                "start": parse_date(row["start"], where),
            }
            values = {
                "country": self.lookup(Country, where, code=row["country"]),
                "end": parse_date(row["end"], where),
            }
            self.upsert(OfficeTerm, key, values, where)

    def load_tags(self):
        if not (self.directory / "tags.csv").exists():  # optional: events.csv makes tags too
            return
        for where, row in self.rows("tags.csv"):
            values = texts(row, "name")
            self.upsert(Tag, {"slug": row["slug"]}, values, where)

    def load_disputes(self):
        for where, row in self.rows("disputes.csv"):
            values = {
                **texts(row, "name", "summary"),
                "start": parse_date(row["start"], where),
                "end": parse_date(row["end"], where),
                "status": row["status"],
            }
            dispute = self.upsert(Dispute, {"slug": row["slug"]}, values, where)
            parties = [self.lookup(Country, where, code=c) for c in split(row["parties"])]
            add_missing(dispute.parties, parties)

    def load_events(self):
        sources = {}
        for where, row in self.rows("sources.csv"):
            sources.setdefault(row["event"], []).append((where, row))
        for where, row in self.rows("events.csv"):
            existing = Event.objects.filter(slug=row["slug"]).first()
            event = self.load_event(where, row, existing)
            self.link_event(event, where, row)
            self.load_sources_of(event, where, sources.pop(event.slug, []))
            if existing is None:
                self.upsert(Event, {"pk": event.pk}, {"state": Event.State.PUBLISHED}, where)
        for slug, rows in sources.items():
            raise DatasetError(f"{rows[0][0]}: source for unknown event {slug!r}")

    def load_event(self, where, row, existing):
        values = {
            **texts(row, "title", "summary", "quote"),
            "kind": row["kind"],
            "start": parse_date(row["start"], where),
            "end": parse_date(row["end"], where),
            "date_precision": row["precision"] or "day",
            "cancelled": row["cancelled"].strip().lower() == "yes",
            "place": self.lookup(Place, where, name=row["place"]) if row["place"] else None,
            "tone": parse_int(row["tone"], where),
            # A new event starts as a draft: it is published once its sources exist.
            "state": existing.state if existing else Event.State.DRAFT,
        }
        return self.upsert(Event, {"slug": row["slug"]}, values, where)

    def link_event(self, event, where, row):
        """Its countries, the countries it is about, disputes, tags and participants."""
        countries = [self.lookup(Country, where, code=c) for c in split(row["countries"])]
        add_missing(event.countries, countries)
        # `about` (optional column): countries the event is about without taking part.
        about = [self.lookup(Country, where, code=c) for c in split(row.get("about") or "")]
        add_missing(event.about, about)
        disputes = [self.lookup(Dispute, where, slug=s) for s in split(row["disputes"])]
        add_missing(event.disputes, disputes)
        tags = [
            Tag.objects.filter(slug=slug).first()
            or self.upsert(Tag, {"slug": slug}, {"name": slug.replace("-", " ")}, where)
            for slug in split(row["tags"])
        ]
        add_missing(event.tags, tags)
        for slug, role in parse_pairs(row["people"]):
            self.participation(event, where, role, person=self.lookup(Person, where, slug=slug))
        for slug, role in parse_pairs(row["organizations"]):
            organization = self.lookup(Organization, where, slug=slug)
            self.participation(event, where, role, organization=organization)

    def load_sources_of(self, event, where, rows):
        if not rows and not event.sources.exists():
            raise DatasetError(f"{where}: event {event.slug!r} has no source in sources.csv")
        for source_where, source in rows:
            self.upsert(
                Source,
                {"event": event, "url": source["url"], "title": source["title"]},
                {
                    "publisher": source["publisher"],
                    "author": source["author"],
                    "published": parse_date(source["published"], source_where),
                    "quote": source["quote"],
                },
                source_where,
            )

    def participation(self, event, where, role, **actor):
        if role not in Participation.Role.values:
            raise DatasetError(f"{where}: unknown participation role {role!r}")
        if not event.participations.filter(role=role, **actor).exists():
            self.upsert(Participation, {"event": event, "role": role, **actor}, {}, where)


@in_original_language  # plain names in lookups ("name") mean the original's column
def load_dataset(directory=SHIPPED_DATASET):
    return Loader(directory).load()
