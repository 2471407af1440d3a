"""Step 3, planning: parsed events against the database → an ImportPlan saying, for each,
create, update (which fields, tags, countries, sources) or unchanged, with every row's
errors. It reads in bulk and writes nothing, so the admin can show it as a preview."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from ...languages import in_original_language
from ...models import Event, Source, Tag
from ...pairs import pair_countries
from .parse import kind_names, parse_entry
from .read import decode, read_entries
from .records import (
    PROGRESS_EVERY,
    ImportFailed,
    ImportPlan,
    PlannedEvent,
    RowError,
    TagIndex,
    chunks,
)

DEFAULT_KIND = Event.Kind.STATEMENT
EVENT_FIELDS = [
    "title",
    "kind",
    "start",
    "end",
    "date_precision",
    "date_certainty",
    "latest_start",
    "summary",
    "cancelled",
]
TAG_NAME_MAX = Tag._meta.get_field("name").max_length


@in_original_language
def prepare_import(data, *, pair=None, publish=False, progress=None):
    """Read, parse and validate a TimelineJS file against the database, writing nothing.

    `data` is the file's bytes or text. Returns an ImportPlan; plan.errors lists every bad
    row ("row 7: …"). Raises ImportFailed for problems with the whole file (not CSV/JSON,
    no Headline column, unknown --pair country).
    """
    plan = ImportPlan(publish=publish)
    plan.countries = parse_pair(pair)
    entries = read_entries(decode(data), plan)
    plan.rows_read = len(entries)
    plan_events(plan, parse_entries(entries, plan, progress), progress)
    return plan


def parse_pair(pair):
    """'FR-RU' -> the two Country rows, or ImportFailed with the reason pairs.py gives."""
    if not pair:
        return []
    try:
        return pair_countries(pair)
    except ValidationError as error:
        raise ImportFailed([f"--pair {pair!r}: {validation_messages(error)}"]) from None


def validation_messages(error):
    return "; ".join(error.messages)


def parse_entries(entries, plan, progress):
    """Every entry parsed; a bad row, or a second row for the same event, is a plan error."""
    kinds = kind_names()
    parsed, first_where = [], {}
    for number, entry in enumerate(entries, start=1):
        try:
            event = parse_entry(entry, kinds, plan)
        except RowError as error:
            plan.errors.append(f"{entry.where}: {error}")
            event = None
        if event is not None:
            if event.key in first_where:
                plan.errors.append(
                    f"{entry.where}: the same event as {first_where[event.key]} "
                    f"(same unique_id, or same date and headline)"
                )
            else:
                first_where[event.key] = entry.where
                parsed.append(event)
        if progress and number % PROGRESS_EVERY == 0:
            progress(f"{number} of {len(entries)} rows read")
    return parsed


@dataclass
class KnownEvents:
    """The events the file names that exist already, with their links, read in bulk."""

    by_slug: dict = field(default_factory=dict)
    countries_of: dict = field(default_factory=lambda: defaultdict(set))
    tags_of: dict = field(default_factory=lambda: defaultdict(set))
    sources_of: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, keys):
        known = cls()
        for batch in chunks(keys):
            known.by_slug.update({e.slug: e for e in Event.objects.filter(slug__in=batch)})
        for batch in chunks([e.pk for e in known.by_slug.values()]):
            links = Event.countries.through.objects.filter(event_id__in=batch)
            for event_id, country_id in links.values_list("event_id", "country_id"):
                known.countries_of[event_id].add(country_id)
            links = Event.tags.through.objects.filter(event_id__in=batch)
            for event_id, tag_id in links.values_list("event_id", "tag_id"):
                known.tags_of[event_id].add(tag_id)
            for source in Source.objects.filter(event_id__in=batch):
                known.sources_of[source.event_id].append(source)
        return known


def plan_events(plan, parsed, progress):
    known = KnownEvents.load([p.key for p in parsed])
    tags = TagIndex()
    country_ids = [c.pk for c in plan.countries]
    for number, p in enumerate(parsed, start=1):
        planned = plan_event(p, known, tags, country_ids, plan)
        if planned is not None:
            plan.events.append(planned)
        if progress and number % PROGRESS_EVERY == 0:
            progress(f"{number} of {len(parsed)} events checked")
    plan.errors.sort(key=row_order)


def plan_event(p, known, tags, country_ids, plan):
    """What importing `p` does to its event, or None (and a plan error) if it cannot."""
    event = known.by_slug.get(p.key)
    created = event is None
    if created:
        event = Event(slug=p.key, state=Event.State.DRAFT)
    reasons = []
    changed = set_fields(event, p, created)
    if validate_event(event, plan.publish, reasons):
        changed.append("state")
    new_sources, changed_sources = plan_sources(p, known.sources_of.get(event.pk, []), reasons)
    new_tag_names = plan_tags(p, tags, known.tags_of.get(event.pk, ()), reasons)
    if reasons:
        plan.errors.append(f"{p.where}: {'; '.join(reasons)}")
        return None
    new_country_ids = [pk for pk in country_ids if pk not in known.countries_of.get(event.pk, ())]
    touched = changed or new_sources or changed_sources or new_tag_names or new_country_ids
    return PlannedEvent(
        parsed=p,
        event=event,
        action="create" if created else "update" if touched else "unchanged",
        changed_fields=changed,
        new_tag_names=new_tag_names,
        new_country_ids=new_country_ids,
        new_sources=new_sources,
        changed_sources=changed_sources,
    )


def set_fields(event, p, created):
    """Put the row's values on the event; the names of the fields that changed."""
    values = {
        "title": p.title,
        "kind": p.kind or (DEFAULT_KIND if created else event.kind),
        "start": p.start,
        "end": p.end,
        "date_precision": p.precision,
        "date_certainty": p.certainty,
        "latest_start": p.latest,
        "summary": p.summary,
        "cancelled": p.cancelled if p.cancelled is not None else (not created and event.cancelled),
    }
    changed = [name for name in EVENT_FIELDS if created or getattr(event, name) != values[name]]
    for name in changed:
        setattr(event, name, values[name])
    return changed


def validate_event(event, publish, reasons):
    """The model's rules on the event; whether the import publishes it."""
    will_publish = publish and event.state != Event.State.PUBLISHED
    state = Event.State.PUBLISHED if will_publish else event.state
    # The model's "published needs a source" check can only count sources already saved
    # (one query per event): parse_entry() has checked it against the row's sources, and
    # an event already published has its sources. So validate the rest as a draft.
    event.state = Event.State.DRAFT
    try:
        # The check constraints restate clean()'s rules (end after start, tone range) and
        # the database still enforces them; validating them here would cost two queries
        # per row. Slugs are unique by construction (one key per row, matched above).
        event.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        reasons.append(validation_messages(error))
    event.state = state
    return will_publish


def plan_sources(p, current, reasons):
    """(new sources, changed sources): a row's source matches one of the event's by URL
    (or, without a URL, by title); only a publisher or title the row gives is written."""
    new_sources, changed_sources = [], []
    for wanted in p.sources:
        match = next(
            (
                s
                for s in current
                if (wanted["url"] and s.url == wanted["url"])
                or (not wanted["url"] and not s.url and s.title == wanted["title"])
            ),
            None,
        )
        source = match or Source(url=wanted["url"])
        source_changed = match is None
        for name in ("publisher", "title"):
            if wanted[name] and getattr(source, name) != wanted[name]:
                setattr(source, name, wanted[name])
                source_changed = True
        if not source_changed:
            continue
        try:
            source.full_clean(exclude=["event"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            what = wanted["url"] or wanted["title"]
            reasons.append(f"source {what!r}: {validation_messages(error)}")
            continue
        (new_sources if match is None else changed_sources).append(source)
    return new_sources, changed_sources


def plan_tags(p, tags, current_ids, reasons):
    """The names of the row's tags the event lacks (new tags are made when written)."""
    new_tag_names = []
    for name in p.tags:
        tag = tags.find(name)
        if tag is None or tag.pk not in current_ids:
            new_tag_names.append(name)
        if tag is None and len(name) > TAG_NAME_MAX:
            reasons.append(f"tag {name[:30]!r}…: longer than {TAG_NAME_MAX} characters")
    return new_tag_names


def row_order(message):
    match = re.match(r"(?:row|event) (\d+)", message)
    return int(match.group(1)) if match else 0
