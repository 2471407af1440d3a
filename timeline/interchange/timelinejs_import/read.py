"""Step 1, reading: a file's bytes → entries (one per sheet row or JSON event) whose cells
have common names, whatever the format. A file that is neither is refused whole."""

import csv
import io
import json

from ..sanitize import plain_text
from ..timelinejs_export import EXTENSION_KEY
from .records import Entry, ImportFailed

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
    columns = csv_columns(header, plan)
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


def csv_columns(header, plan):
    """The common name of each column (None for one we do not read); a sheet without a
    Headline or a Year column is not a TimelineJS sheet."""
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
    return columns


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
    return [
        json_entry(f"event {number}", event)
        for number, event in enumerate(document["events"], start=1)
    ]


def json_entry(where, event):
    """One JSON event as an Entry; our own export's extension brings kind, cancelled, sources."""
    if not isinstance(event, dict):
        return Entry(where, {"invalid": "an event must be an object"})
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
    return Entry(where, {k: v for k, v in cells.items() if v}, sources)
