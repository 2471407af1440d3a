"""Step 2, parsing: one entry → a ParsedEvent (title, kind, dates and their precision,
summary, tags, sources), or a RowError listing every reason the row cannot be imported.
Nothing here reads the database."""

import re
from datetime import date

from django.utils import translation
from django.utils.text import slugify

from ...dates import Certainty, Precision
from ...models import Event, Source
from ..sanitize import clean_html, plain_text
from ..timelinejs_export import LINKS_MARKER
from .records import ParsedEvent, RowError, short_hash

MIN_YEAR = 1
MAX_YEAR = date.today().year + 100
SLUG_MAX = Event._meta.get_field("slug").max_length
SOURCE_TITLE_MAX = Source._meta.get_field("title").max_length
SOURCE_PUBLISHER_MAX = Source._meta.get_field("publisher").max_length
PRECISION_ORDER = [Precision.DAY, Precision.MONTH, Precision.YEAR]
US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(-?\d+)")
ISO_DATE = re.compile(r"(-?\d+)(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


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


def parse_entry(entry, kinds, plan):
    """A ParsedEvent, or None for a title or era row. Raises RowError listing the reasons."""
    cells, where = entry.cells, entry.where
    if "invalid" in cells:
        raise RowError(cells["invalid"])
    if is_not_an_event(cells, where, plan):
        return None
    reasons = []
    title = plain_text(cells.get("headline", ""))
    if not title:
        reasons.append("no Headline: every event needs one")
    start, start_precision = row_date(cells, "start", reasons)
    end, end_precision = row_date(cells, "end", reasons)
    kind, tags = kind_and_tags(cells, kinds, where, plan)
    sources = row_sources(entry, plan)
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
    certainty = display_certainty(cells.get("display_date", ""))
    latest = None
    if certainty == Certainty.BETWEEN:  # the row's end is the window's last day
        end, latest = None, coarsen(end, precision)
        if latest is None or latest <= start:
            certainty, latest = Certainty.EXACT, None
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
        certainty=certainty,
        latest=latest,
    )


# What a Display Date starts with when the date is uncertain, in the languages our own
# exports write it in and the abbreviations historians use.
CERTAINTY_WORDS = [
    (Certainty.CIRCA, r"c\.|ca\.|circa|about|around|vers|около|примерно"),
    (Certainty.BEFORE, r"before|avant|до"),
    (Certainty.AFTER, r"after|après|после"),
    (Certainty.BETWEEN, r"between|entre|между|в промежутке"),
]


def display_certainty(display_date):
    """The certainty a Display Date says: "c. 1717" -> circa; "exact" when it says none."""
    text = plain_text(display_date).strip().lower()
    for certainty, words in CERTAINTY_WORDS:
        if re.match(rf"(?:{words})(?:\s|$)", text):
            return certainty
    return Certainty.EXACT


def is_not_an_event(cells, where, plan):
    """A title row names the import; an era row is a span TimelineJS shades: both skipped."""
    row_type = cells.get("type", "").lower()
    if row_type == "title":
        plan.name = plain_text(cells.get("headline", "")) or plan.name
        plan.skipped.append(f"{where}: title {plan.name!r} names the import, not an event")
        return True
    if row_type == "era":
        plan.skipped.append(f"{where}: era {plain_text(cells.get('headline', ''))!r} skipped")
        return True
    return False


# Dates ----------------------------------------------------------------------------------------


def row_date(cells, which, reasons):
    """(date, precision) of the row's "start" or "end": its Year/Month/Day columns, else its
    Start/End Date cell. A bad or missing start date adds its reason and gives (None, None)."""
    prefix = "" if which == "start" else "end_"
    try:
        if cells.get(f"{prefix}year") or not cells.get(f"{which}_date"):
            parts = [cells.get(f"{prefix}{part}", "") for part in ("year", "month", "day")]
        else:
            parts = split_date_cell(cells[f"{which}_date"])
        value, precision = parse_date(*parts, which)
        if value is None and which == "start":
            raise RowError("no start date (Year)")
        return value, precision
    except RowError as error:
        reasons.append(str(error))
        return None, None


def parse_number(value, what, low, high):
    if not re.fullmatch(r"-?\d+", value):
        raise RowError(f"{what} {value!r} is not a whole number")
    number = int(value)
    if not low <= number <= high:
        raise RowError(f"{what} {number} is out of range ({low}–{high})")
    return number


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


# The event's key, kind, tags and sources ------------------------------------------------------


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


def kind_and_tags(cells, kinds, where, plan):
    """The kind: our export's extension, else Group, else Type; a Group that is no kind is
    a tag, beside the Tag column's."""
    row_type = cells.get("type", "").lower()
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
    return kind, tags


def split_tags(value):
    return [tag.strip() for tag in re.split(r"[;,]", value or "") if tag.strip()]


def row_sources(entry, plan):
    """The Media link as a source (Credit the publisher, Caption the title), and every source
    our own export listed in its extension, once each."""
    cells, where = entry.cells, entry.where
    sources = []
    media = cells.get("media", "")
    if media and re.match(r"https?://", media, re.IGNORECASE):
        credit, caption = plain_text(cells.get("credit", "")), plain_text(cells.get("caption", ""))
        sources.append(
            {
                "url": media,
                "publisher": fit(credit, SOURCE_PUBLISHER_MAX, "Media Credit", where, plan),
                "title": fit(caption, SOURCE_TITLE_MAX, "Media Caption", where, plan),
            }
        )
    elif media:
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
    return sources


def fit(text, limit, what, where, plan):
    if len(text) <= limit:
        return text
    plan.warnings.append(f"{where}: {what} longer than {limit} characters, shortened")
    return text[: limit - 1].rstrip() + "…"
