"""What flows between the import's steps: the entries read, the events parsed, the plan
made against the database, the report of what was written, the errors of each, and the
index of tags that planning and writing both look names up in."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from ...models import Event, Tag

PROGRESS_EVERY = 1000
BATCH_SIZE = 500


class ImportFailed(Exception):
    """The file cannot be imported; `errors` lists every reason, with row numbers."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class RowError(Exception):
    """One row cannot be imported; the message says why (several reasons joined by ';')."""


@dataclass
class Entry:
    """One row of a sheet or one JSON event, with the cells under common names."""

    where: str  # "row 7" (spreadsheet line, header = 1) or "event 3" (JSON, from 1)
    cells: dict
    sources: list = field(default_factory=list)  # from the export's extension, if any


@dataclass
class ParsedEvent:
    where: str
    key: str
    title: str
    kind: str | None
    start: date
    end: date | None
    precision: str
    summary: str
    tags: list
    sources: list  # dicts: url, publisher, title
    cancelled: bool | None = None  # only our export says (its extension)
    certainty: str = "exact"  # from the Display Date: "c. 1717", "before 1892"…
    latest: date | None = None  # the last day of a "between" date


@dataclass
class PlannedEvent:
    parsed: ParsedEvent
    event: Event
    action: str  # "create", "update" or "unchanged"
    changed_fields: list
    new_tag_names: list
    new_country_ids: list
    new_sources: list
    changed_sources: list


@dataclass
class ImportPlan:
    """What an import would do; built without writing anything."""

    format: str = ""
    name: str = ""
    publish: bool = False
    countries: list = field(default_factory=list)
    events: list = field(default_factory=list)  # PlannedEvent
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    rows_read: int = 0

    def count(self, action):
        return sum(1 for planned in self.events if planned.action == action)

    @property
    def created(self):
        return self.count("create")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")

    def summary(self):
        name = f"{self.name!r}: " if self.name else ""
        return (
            f"{name}{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
        )


@dataclass
class ImportReport:
    name: str
    created: int
    updated: int
    unchanged: int
    skipped: list
    warnings: list


def chunks(items, size=BATCH_SIZE):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def short_hash(text):
    return hashlib.sha1(text.encode()).hexdigest()[:8]


class TagIndex:
    """The tags, found by name in any case or by slug ("Syria war" finds syria-war)."""

    def __init__(self):
        self.by_name, self.by_slug = {}, {}
        for tag in Tag.objects.all():
            self.add(tag)

    def add(self, tag):
        self.by_name[tag.name.lower()] = tag
        self.by_slug[tag.slug] = tag

    def find(self, name):
        return self.by_name.get(name.lower()) or self.by_slug.get(slugify(name))

    def free_slug(self, name):
        base = slugify(name)[:70].strip("-") or f"tag-{short_hash(name)}"
        slug, n = base, 2
        while slug in self.by_slug:
            slug, n = f"{base}-{n}", n + 1
        return slug
