"""Import a TimelineJS 3 timeline: the Google Sheets template saved as CSV, or TimelineJS JSON.

Two steps, so a command and an admin screen with a preview can share them:

    plan = prepare_import(text, pair="FR-RU", publish=False)   # reads the database, writes nothing
    if not plan.errors:
        report = write_import(plan)                            # one transaction

`import_timelinejs()` does both and raises ImportFailed listing every bad row.

Mapping (a spreadsheet row or a JSON event -> an Event):
- Headline -> title (required), Text -> summary (HTML sanitised, see sanitize.py);
- Year/Month/Day (or a `Start Date` cell: YYYY, YYYY-MM, YYYY-MM-DD, M/D/YYYY) -> start, and the
  End columns -> end. The date parts present give the precision: a year alone is stored on
  1 January with year precision, a year and month on the 1st with month precision. When start
  and end differ in precision, both are kept to the coarser one (with a warning);
- Group -> kind when it names one of Event.Kind (its value or label, any case: "Meeting",
  "phone call"), otherwise a tag; Type may also name a kind. Without either, a new event is a
  `statement` (the most general kind) and an existing event keeps its kind;
- Tag column -> tags (separated by commas or semicolons);
- Media (a link) + Media Credit + Media Caption -> a Source (url, publisher, title). Media that
  is not a link (an embed code) is ignored with a warning;
- Type `title` names the import (reported, not an event); Type `era` rows, and JSON eras, are
  reported as skipped, never events;
- Time, Display Date, Media Thumbnail, Alt Text and Background have no place in the model and
  are ignored (the display date is derived from the precision);
- JSON written by our own export (timelinejs_export) also brings back the kind, the cancelled
  flag and every source from its extension object, and the summary without the links that
  the export appended to the text.

Each event is keyed by the JSON `unique_id` when present, else by a slug of its start date and
headline; the event's slug is that key, so importing the same file again updates the same
events instead of duplicating them. Only what changed is saved; tags, countries and sources
are added, never removed (curators' additions are kept).

New events are drafts unless `publish`; publishing needs a source, so with `publish` a row
without one is an error. Without `publish`, an existing event keeps its state.

Every object goes through full_clean(), so the model's rules (end after start, precision,
lengths, URLs) refuse bad rows with their own messages. Any row error means nothing is written.

Speed: lookups are made in bulk (events by slug, their links and sources, tags), rows are
written with bulk_create/bulk_update, and simple-history still gets one record per created
or changed event (with its countries, disputes and tags) and per source. About 900 events
per second on SQLite for a 10,000-row sheet.
"""

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from ..caching import data_changed
from ..dates import Precision
from ..models import Event, Source, Tag
from ..pairs import pair_countries
from .sanitize import clean_html, plain_text
from .timelinejs_export import EXTENSION_KEY, LINKS_MARKER

PROGRESS_EVERY = 1000
BATCH_SIZE = 500
MIN_YEAR = 1
MAX_YEAR = date.today().year + 100
DEFAULT_KIND = Event.Kind.STATEMENT
SLUG_MAX = Event._meta.get_field("slug").max_length
SOURCE_TITLE_MAX = Source._meta.get_field("title").max_length
SOURCE_PUBLISHER_MAX = Source._meta.get_field("publisher").max_length
PRECISION_ORDER = [Precision.DAY, Precision.MONTH, Precision.YEAR]

# Spreadsheet headers, compared lower-cased with spaces collapsed.
CSV_COLUMNS = {
    "year": "year",
    "month": "month",
    "day": "day",
    "time": "time",
    "end year": "end_year",
    "end month": "end_month",
    "end day": "end_day",
    "end time": "end_time",
    "start date": "start_date",
    "end date": "end_date",
    "display date": "display_date",
    "headline": "headline",
    "text": "text",
    "media": "media",
    "media credit": "credit",
    "media caption": "caption",
    "media thumbnail": "thumbnail",
    "alt text": "alt_text",
    "type": "type",
    "group": "group",
    "background": "background",
    "tag": "tags",
    "tags": "tags",
}


class ImportFailed(Exception):
    """The file cannot be imported; `errors` lists every reason, with row numbers."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class RowError(Exception):
    pass


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


# Reading ------------------------------------------------------------------------------------


def decode(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(["The file is not UTF-8 text: save the sheet as CSV (UTF-8)."]) from None


def read_entries(text, plan):
    """Entries from a CSV sheet or a JSON document, told apart by their content."""
    if text.lstrip().startswith(("{", "[")):
        plan.format = "json"
        return read_json(text, plan)
    plan.format = "csv"
    return read_csv(text, plan)


def read_csv(text, plan):
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed(["The file is empty."]) from None
    except csv.Error as error:
        raise ImportFailed([f"row 1: the CSV header cannot be read ({error})"]) from None
    columns = []
    for position, name in enumerate(header, start=1):
        normalised = " ".join(name.split()).lower()
        column = CSV_COLUMNS.get(normalised)
        if column is None and normalised:
            plan.warnings.append(
                f"column {position} {name.strip()!r} is not a TimelineJS column: ignored"
            )
        columns.append(column)
    present = set(columns)
    missing = []
    if "headline" not in present:
        missing.append("Headline")
    if not present & {"year", "start_date"}:
        missing.append("Year (or Start Date)")
    if missing:
        raise ImportFailed(
            [
                f"This is not a TimelineJS sheet: no {' or '.join(missing)} column in the header (row 1)."
            ]
        )
    entries = []
    try:
        for line, values in enumerate(reader, start=2):
            cells = {}
            for column, value in zip(columns, values):
                if column and value.strip():
                    cells[column] = value.strip()
            if cells:  # spreadsheets end with blank rows
                entries.append(Entry(f"row {line}", cells))
    except csv.Error as error:
        raise ImportFailed([f"row {reader.line_num}: the CSV cannot be read ({error})"]) from None
    return entries


def json_date_cells(value, prefix):
    if not isinstance(value, dict):
        return {}
    cells = {}
    for part in ("year", "month", "day"):
        if value.get(part) not in (None, ""):
            cells[f"{prefix}{part}"] = str(value[part]).strip()
    return cells


def read_json(text, plan):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed([f"The JSON cannot be read: {error}"]) from None
    except RecursionError:
        raise ImportFailed(["The JSON is nested too deeply to be a TimelineJS document."]) from None
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise ImportFailed(['This is not TimelineJS JSON: no "events" list.'])
    title = document.get("title")
    if isinstance(title, dict):
        plan.name = plain_text(str((title.get("text") or {}).get("headline") or ""))
    eras = document.get("eras") if isinstance(document.get("eras"), list) else []
    for number, era in enumerate(eras, start=1):
        era_text = era.get("text") if isinstance(era, dict) else None
        headline = era_text.get("headline", "") if isinstance(era_text, dict) else ""
        plan.skipped.append(f"era {number}: era {plain_text(str(headline))!r} skipped")
    entries = []
    for number, event in enumerate(document["events"], start=1):
        where = f"event {number}"
        if not isinstance(event, dict):
            entries.append(Entry(where, {"invalid": "an event must be an object"}))
            continue
        text_part = event.get("text") if isinstance(event.get("text"), dict) else {}
        media = event.get("media") if isinstance(event.get("media"), dict) else {}
        cells = {
            **json_date_cells(event.get("start_date"), ""),
            **json_date_cells(event.get("end_date"), "end_"),
            "headline": str(text_part.get("headline") or "").strip(),
            "text": str(text_part.get("text") or ""),
            "media": str(media.get("url") or "").strip(),
            "credit": str(media.get("credit") or "").strip(),
            "caption": str(media.get("caption") or "").strip(),
            "group": str(event.get("group") or "").strip(),
            "unique_id": str(event.get("unique_id") or "").strip(),
        }
        if event.get("start_date") is not None and not isinstance(event.get("start_date"), dict):
            cells["invalid"] = "start_date must be an object with year, month and day"
        extension = event.get(EXTENSION_KEY) if isinstance(event.get(EXTENSION_KEY), dict) else {}
        if extension.get("kind"):
            cells["kind"] = str(extension["kind"])
        if isinstance(extension.get("cancelled"), bool):
            cells["cancelled"] = "yes" if extension["cancelled"] else "no"
        listed = extension.get("sources") if isinstance(extension.get("sources"), list) else []
        sources = [s for s in listed if isinstance(s, dict)]
        entries.append(Entry(where, {k: v for k, v in cells.items() if v}, sources))
    return entries


# Parsing one entry --------------------------------------------------------------------------


def kind_names():
    """'meeting' -> meeting, 'phone call' -> call…: values and labels, English and current."""
    names = {}
    for language in ("en", translation.get_language() or "en"):
        with translation.override(language):
            for kind in Event.Kind:
                names[str(kind.label).lower()] = kind.value
    for kind in Event.Kind:
        names[kind.value] = kind.value
    return names


def parse_number(value, what, low, high):
    if not re.fullmatch(r"-?\d+", value):
        raise RowError(f"{what} {value!r} is not a whole number")
    number = int(value)
    if not low <= number <= high:
        raise RowError(f"{what} {number} is out of range ({low}–{high})")
    return number


US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(-?\d+)")
ISO_DATE = re.compile(r"(-?\d+)(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")


def split_date_cell(value):
    """'2016', '2016-10', '2016-10-05', '2016/10/05' or '10/5/2016' -> (year, month, day) cells."""
    value = value.strip()
    match = US_DATE.fullmatch(value)
    if match:
        return match.group(3), match.group(1), match.group(2)
    match = ISO_DATE.fullmatch(value)
    if match:
        return match.group(1), match.group(2) or "", match.group(3) or ""
    raise RowError(f"date {value!r} is not understood: use YYYY, YYYY-MM or YYYY-MM-DD")


def parse_date(year, month, day, label):
    """(date, precision) from the parts present; (None, None) when there is no date at all."""
    if not (year or month or day):
        return None, None
    if not year:
        raise RowError(f"the {label} date has a month or day but no year")
    if day and not month:
        raise RowError(f"the {label} date has a day but no month")
    y = parse_number(year, f"{label} year", MIN_YEAR, MAX_YEAR)
    m = parse_number(month, f"{label} month", 1, 12) if month else 1
    d = parse_number(day, f"{label} day", 1, 31) if day else 1
    try:
        value = date(y, m, d)
    except ValueError:
        raise RowError(f"the {label} date {y}-{m:02}-{d:02} does not exist") from None
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    return value, precision


def coarsen(value, precision):
    if value is None:
        return None
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def short_hash(text):
    return hashlib.sha1(text.encode()).hexdigest()[:8]


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def event_key(unique_id, start, headline):
    """The event's slug: the JSON unique_id when it is one, else date + headline, stable."""
    if unique_id and SLUG.fullmatch(unique_id) and len(unique_id) <= SLUG_MAX:
        return unique_id
    text = unique_id or f"{start:%Y-%m-%d} {headline}"
    base = slugify(text).strip("-")
    readable_enough = base and (unique_id or base != f"{start:%Y-%m-%d}")
    if readable_enough and len(base) <= SLUG_MAX:
        return base
    # Too long, or the headline has no Latin letters (Cyrillic): keep it stable and distinct.
    suffix = f"-{short_hash(text)}"
    return (base[: SLUG_MAX - len(suffix)].strip("-") + suffix).strip("-")


def split_tags(value):
    return [tag.strip() for tag in re.split(r"[;,]", value or "") if tag.strip()]


def fit(text, limit, what, where, warnings):
    if len(text) <= limit:
        return text
    warnings.append(f"{where}: {what} longer than {limit} characters, shortened")
    return text[: limit - 1].rstrip() + "…"


def parse_entry(entry, kinds, plan):
    """A ParsedEvent, or None for a title or era row. Raises RowError listing the reasons."""
    cells, where = entry.cells, entry.where
    if "invalid" in cells:
        raise RowError(cells["invalid"])
    row_type = cells.get("type", "").lower()
    if row_type == "title":
        plan.name = plain_text(cells.get("headline", "")) or plan.name
        plan.skipped.append(f"{where}: title {plan.name!r} names the import, not an event")
        return None
    if row_type == "era":
        plan.skipped.append(f"{where}: era {plain_text(cells.get('headline', ''))!r} skipped")
        return None

    reasons = []
    title = plain_text(cells.get("headline", ""))
    if not title:
        reasons.append("no Headline: every event needs one")

    start = end = start_precision = end_precision = None
    try:
        if cells.get("year") or not cells.get("start_date"):
            parts = (cells.get("year", ""), cells.get("month", ""), cells.get("day", ""))
        else:
            parts = split_date_cell(cells["start_date"])
        start, start_precision = parse_date(*parts, "start")
        if start is None:
            reasons.append("no start date (Year)")
    except RowError as error:
        reasons.append(str(error))
    try:
        if cells.get("end_year") or not cells.get("end_date"):
            parts = (
                cells.get("end_year", ""),
                cells.get("end_month", ""),
                cells.get("end_day", ""),
            )
        else:
            parts = split_date_cell(cells["end_date"])
        end, end_precision = parse_date(*parts, "end")
    except RowError as error:
        reasons.append(str(error))

    # The kind: our export's extension, else Group, else Type; a Group that is no kind is a tag.
    group = plain_text(cells.get("group", ""))
    named = [
        kinds.get(" ".join(c.split()).lower()) for c in (cells.get("kind", ""), group, row_type)
    ]
    kind = next((k for k in named if k), None)
    tags = [group] if group and not kinds.get(" ".join(group.split()).lower()) else []
    if row_type and not kinds.get(" ".join(row_type.split())):
        plan.warnings.append(
            f"{where}: Type {cells['type']!r} is not title, era or a kind: ignored"
        )
    for tag in split_tags(cells.get("tags", "")):
        tag = plain_text(tag)
        if tag and tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)

    sources = []
    media = cells.get("media", "")
    if media:
        if re.match(r"https?://", media, re.IGNORECASE):
            sources.append(
                {
                    "url": media,
                    "publisher": fit(
                        plain_text(cells.get("credit", "")),
                        SOURCE_PUBLISHER_MAX,
                        "Media Credit",
                        where,
                        plan.warnings,
                    ),
                    "title": fit(
                        plain_text(cells.get("caption", "")),
                        SOURCE_TITLE_MAX,
                        "Media Caption",
                        where,
                        plan.warnings,
                    ),
                }
            )
        else:
            plan.warnings.append(
                f"{where}: Media is not a link (an embed code?): no source made from it"
            )
    for source in entry.sources:
        wanted = {
            "url": str(source.get("url") or "").strip(),
            "publisher": plain_text(str(source.get("publisher") or "")),
            "title": plain_text(str(source.get("title") or "")),
        }
        if not any(
            (s["url"], s["title"]) == (wanted["url"], wanted["title"])
            or (wanted["url"] and s["url"] == wanted["url"])
            for s in sources
        ):
            sources.append(wanted)
    if plan.publish and not sources:
        reasons.append("cannot publish without a source (Media)")

    if reasons:
        raise RowError("; ".join(reasons))

    precision = start_precision
    if end_precision and end_precision != start_precision:
        precision = max(start_precision, end_precision, key=PRECISION_ORDER.index)
        plan.warnings.append(
            f"{where}: start and end are known to different precisions: both kept to the {precision}"
        )
    # Our own export appends the sources and a link after a marker: not part of the summary.
    text = cells.get("text", "").split(LINKS_MARKER, 1)[0]
    return ParsedEvent(
        where=where,
        key=event_key(cells.get("unique_id", ""), start, title),
        title=title,
        kind=kind,
        start=coarsen(start, precision),
        end=coarsen(end, precision),
        precision=precision,
        summary=clean_html(text),
        tags=tags,
        sources=sources,
        cancelled={"yes": True, "no": False}.get(cells.get("cancelled", "")),
    )


# Planning against the database --------------------------------------------------------------


def chunks(items, size=BATCH_SIZE):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


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

    plan_events(plan, parsed, progress)
    return plan


def plan_events(plan, parsed, progress):
    keys = [p.key for p in parsed]
    existing = {}
    for batch in chunks(keys):
        existing.update({e.slug: e for e in Event.objects.filter(slug__in=batch)})
    existing_ids = [e.pk for e in existing.values()]

    countries_of, tags_of, sources_of = defaultdict(set), defaultdict(set), defaultdict(list)
    for batch in chunks(existing_ids):
        for event_id, country_id in Event.countries.through.objects.filter(
            event_id__in=batch
        ).values_list("event_id", "country_id"):
            countries_of[event_id].add(country_id)
        for event_id, tag_id in Event.tags.through.objects.filter(event_id__in=batch).values_list(
            "event_id", "tag_id"
        ):
            tags_of[event_id].add(tag_id)
        for source in Source.objects.filter(event_id__in=batch):
            sources_of[source.event_id].append(source)

    tag_index = TagIndex()
    fields = ["title", "kind", "start", "end", "date_precision", "summary", "cancelled"]
    country_ids = [c.pk for c in plan.countries]

    for number, p in enumerate(parsed, start=1):
        event = existing.get(p.key)
        created = event is None
        if created:
            event = Event(slug=p.key, state=Event.State.DRAFT)
        values = {
            "title": p.title,
            "kind": p.kind or (DEFAULT_KIND if created else event.kind),
            "start": p.start,
            "end": p.end,
            "date_precision": p.precision,
            "summary": p.summary,
            "cancelled": p.cancelled
            if p.cancelled is not None
            else (not created and event.cancelled),
        }
        changed = [name for name in fields if created or getattr(event, name) != values[name]]
        for name in changed:
            setattr(event, name, values[name])

        reasons = []
        will_publish = plan.publish and event.state != Event.State.PUBLISHED
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
        if will_publish:
            changed.append("state")

        new_sources, changed_sources = [], []
        current = sources_of.get(event.pk, [])
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
                source.full_clean(
                    exclude=["event"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                reasons.append(
                    f"source {wanted['url'] or wanted['title']!r}: {validation_messages(error)}"
                )
                continue
            (new_sources if match is None else changed_sources).append(source)

        new_tag_names = []
        for name in p.tags:
            tag = tag_index.find(name)
            if tag is None or tag.pk not in tags_of.get(event.pk, ()):
                new_tag_names.append(name)
            if tag is None and len(name) > Tag._meta.get_field("name").max_length:
                reasons.append(
                    f"tag {name[:30]!r}…: longer than {Tag._meta.get_field('name').max_length} characters"
                )

        if reasons:
            plan.errors.append(f"{p.where}: {'; '.join(reasons)}")
            continue
        new_country_ids = [pk for pk in country_ids if pk not in countries_of.get(event.pk, ())]
        touched = changed or new_sources or changed_sources or new_tag_names or new_country_ids
        plan.events.append(
            PlannedEvent(
                parsed=p,
                event=event,
                action="create" if created else "update" if touched else "unchanged",
                changed_fields=changed,
                new_tag_names=new_tag_names,
                new_country_ids=new_country_ids,
                new_sources=new_sources,
                changed_sources=changed_sources,
            )
        )
        if progress and number % PROGRESS_EVERY == 0:
            progress(f"{number} of {len(parsed)} events checked")
    plan.errors.sort(key=row_order)


def row_order(message):
    match = re.match(r"(?:row|event) (\d+)", message)
    return int(match.group(1)) if match else 0


# Writing ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    name: str
    created: int
    updated: int
    unchanged: int
    skipped: list
    warnings: list


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


def write_import(plan, *, user=None, reason="Imported from TimelineJS", progress=None):
    """Write a plan without errors, in one transaction; history is recorded for each change."""
    if plan.errors:
        raise ImportFailed(plan.errors)
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    touched = [p for p in plan.events if p.action != "unchanged"]
    with transaction.atomic():
        tags = TagIndex()
        for planned in touched:
            for name in planned.new_tag_names:
                if tags.find(name) is None:
                    tag = Tag(name=name, slug=tags.free_slug(name))
                    tag.full_clean()
                    tag.save()  # few, and each with its history
                    tags.add(tag)

        now = timezone.now()
        new = [p.event for p in touched if p.action == "create"]
        for batch in chunks(new):
            Event.objects.bulk_create(batch)
        updated = [p.event for p in touched if p.action == "update"]
        update_fields = sorted(
            {f for p in touched if p.action == "update" for f in p.changed_fields}
        )
        for event in updated:
            event.updated_at = now
        for batch in chunks(updated):
            Event.objects.bulk_update(batch, [*update_fields, "updated_at"])
        if progress and len(touched) >= PROGRESS_EVERY:
            progress(
                f"{len(new)} events created, {len(updated)} updated; adding tags, countries, sources"
            )

        insert_rows(
            Event.countries.through,
            ["event_id", "country_id"],
            [(p.event.pk, country_id) for p in touched for country_id in p.new_country_ids],
        )
        insert_rows(
            Event.tags.through,
            ["event_id", "tag_id"],
            [
                (p.event.pk, tag_id)
                for p in touched
                for tag_id in dict.fromkeys(tags.find(name).pk for name in p.new_tag_names)
            ],
        )

        new_sources = []
        for p in touched:
            for source in p.new_sources:
                source.event = p.event
                new_sources.append(source)
        bulk_create_with_history(
            new_sources,
            Source,
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )
        changed_sources = [s for p in touched for s in p.changed_sources]
        if changed_sources:
            bulk_update_with_history(
                changed_sources,
                Source,
                ["publisher", "title"],
                batch_size=BATCH_SIZE,
                default_user=user,
                default_change_reason=reason,
            )
        record_history(new, updated, user=user, reason=reason)
        data_changed()  # bulk writes send no signals
    return ImportReport(
        name=plan.name,
        created=len(new),
        updated=len(updated),
        unchanged=plan.unchanged,
        skipped=plan.skipped,
        warnings=plan.warnings,
    )


def record_history(created, updated, *, user, reason):
    """One historical record per saved event, with its countries, disputes and tags.

    The events were written in bulk (no post_save signal), so the records are made here as
    simple-history would: the row's fields plus a snapshot of each many-to-many field.
    """
    history = Event.history
    records = [
        *history.bulk_history_create(
            created, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason
        ),
        *history.bulk_history_create(
            updated,
            batch_size=BATCH_SIZE,
            update=True,
            default_user=user,
            default_change_reason=reason,
        ),
    ]
    historical = history.model
    for m2m_field in historical._history_m2m_fields:
        through = getattr(Event, m2m_field.name).through
        columns = [f.attname for f in through._meta.fields]
        # simple-history's snapshot model for this field: a copy of the through row + history.
        snapshot_model = next(
            rel.related_model
            for rel in historical._meta.related_objects
            if set(columns) <= {f.attname for f in rel.related_model._meta.fields}
        )
        history_of = {record.id: record.pk for record in records}
        rows = []
        for batch in chunks(history_of):
            for values in through.objects.filter(event_id__in=batch).values_list(*columns):
                rows.append((history_of[values[columns.index("event_id")]], *values))
        insert_rows(snapshot_model, ["history_id", *columns], rows)


def insert_rows(model, columns, rows):
    """Plain INSERTs for rows of integers (link tables): no model instance per row.

    Only for tables without signals of their own: the many-to-many links (whose history
    record_history() writes) and simple-history's snapshots of them.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(column).column) for column in columns)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in chunks(rows, 2000):
            cursor.executemany(sql, batch)


def import_timelinejs(data, *, pair=None, publish=False, dry_run=False, user=None, progress=None):
    """Prepare and (unless dry_run) write an import. Raises ImportFailed listing every error."""
    plan = prepare_import(data, pair=pair, publish=publish, progress=progress)
    if plan.errors:
        raise ImportFailed(plan.errors)
    if dry_run:
        return plan
    return write_import(plan, user=user, progress=progress)
