"""Import a TimelineJS 3 timeline: the Google Sheets template saved as CSV, or TimelineJS JSON.

A pipeline, one module per step: read.py (bytes -> entries), parse.py (entry -> ParsedEvent
or the row's errors), plan.py (parsed events + database -> ImportPlan, writing nothing) and
write.py (plan -> database, one transaction); records.py holds what flows between them.
The plan and the write are two calls, so a command and an admin screen with a preview can
share them:

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
- Display Date gives the date's certainty when it starts with "c.", "circa", "before",
  "after" (or the French and Russian words our exports write): "c. 1717" is a circa date;
  "between …" makes the row's end the last possible day of a "between" date. The rest of it
  is derived again from the dates and their precision;
- Time, Media Thumbnail, Alt Text and Background have no place in the model and are ignored;
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

from .plan import parse_pair, prepare_import
from .read import CSV_COLUMNS
from .records import ImportFailed, ImportPlan, ImportReport, ParsedEvent, PlannedEvent
from .write import import_timelinejs, write_import

__all__ = [
    "CSV_COLUMNS",
    "ImportFailed",
    "ImportPlan",
    "ImportReport",
    "ParsedEvent",
    "PlannedEvent",
    "import_timelinejs",
    "parse_pair",
    "prepare_import",
    "write_import",
]
