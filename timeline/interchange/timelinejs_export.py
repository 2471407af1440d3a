"""Events, office terms and disputes -> a TimelineJS 3 JSON document (a plain dict).

A pure function of its inputs: no request, no query of its own beyond the relations the
caller prefetched (`sources`). Give it the filtered, published queryset the public pages use:

    events = published_events(...).prefetch_related("sources")
    data = build_timelinejs(events, terms=terms, disputes=disputes, title="France–Russia",
                            url_for=lambda e: request.build_absolute_uri(e.get_absolute_url()))

What TimelineJS gets (https://timeline.knightlab.com/docs/json-format.html):
- `title`: the title slide;
- `events`: `start_date`/`end_date` as {year, month, day} with only the parts the event's
  precision knows (a month-precision event has no day; a year-precision one only a year),
  `display_date` written to that precision, `text` {headline, text}, `group` (the kind's
  label), `unique_id` (the slug);
- the sources as links in the text, after the summary — not as `media`: TimelineJS would try
  to draw an article's address as an image or an embed;
- disputes and office terms as `eras`; one still running ends at the last event's date (or
  today when there are no events).

TimelineJS renders headline and text as HTML: titles are escaped, summaries sanitised
(sanitize.summary_html), and the links are built from escaped parts.

Each event also carries an extension object under EXTENSION_KEY ({"kind", "cancelled",
"sources"}), which TimelineJS ignores and our importer reads, so an export imports back
without loss.
"""

from datetime import date

from django.utils.html import escape, format_html, format_html_join

from ..dates import Precision
from .sanitize import summary_html

EXTENSION_KEY = "diplomacy"
# The links paragraph starts with this exact marker; the importer cuts the text there.
LINKS_MARKER = '<p class="timeline-links">'


def date_parts(value, precision=Precision.DAY):
    parts = {"year": value.year}
    if precision in (Precision.MONTH, Precision.DAY):
        parts["month"] = value.month
    if precision == Precision.DAY:
        parts["day"] = value.day
    return parts


def source_link(source):
    label = ": ".join(part for part in (source.publisher, source.title) if part) or source.url
    if source.url.startswith(("http://", "https://")):
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>', source.url, label
        )
    return escape(label)


def links_paragraph(sources, url):
    parts = []
    if sources:
        parts.append(
            format_html(
                "Sources: {}", format_html_join("; ", "{}", ((source_link(s),) for s in sources))
            )
        )
    if url:
        parts.append(format_html('<a href="{}">Details</a>', url))
    if not parts:
        return ""
    return LINKS_MARKER + " · ".join(parts) + "</p>"


def event_slide(event, url_for=None):
    sources = list(event.sources.all())
    display_date = event.date_display
    if event.cancelled:
        display_date = f"{display_date} (cancelled)"
    slide = {
        "unique_id": event.slug,
        "start_date": date_parts(event.start, event.date_precision),
        "display_date": escape(display_date),
        "text": {
            "headline": escape(event.title),
            "text": summary_html(event.summary)
            + links_paragraph(sources, url_for(event) if url_for else ""),
        },
        "group": str(event.get_kind_display()),
        EXTENSION_KEY: {
            "kind": event.kind,
            "cancelled": event.cancelled,
            "sources": [
                {"url": s.url, "publisher": s.publisher, "title": s.title} for s in sources
            ],
        },
    }
    if event.end and event.end != event.start:
        slide["end_date"] = date_parts(event.end, event.date_precision)
    return slide


def era(start, end, headline, text=""):
    return {
        "start_date": date_parts(start),
        "end_date": date_parts(max(start, end)),
        "text": {"headline": escape(headline), "text": summary_html(text)},
    }


def build_timelinejs(events, *, terms=(), disputes=(), title="", text="", url_for=None, today=None):
    """The TimelineJS 3 JSON document for these events, with terms and disputes as eras.

    `events`: Event instances (prefetch `sources`); `terms`: OfficeTerm instances
    (select_related `person`); `disputes`: Dispute instances; `url_for(event)`: the event's
    absolute address, linked from its slide, or None.
    """
    events = list(events)
    slides = [event_slide(event, url_for) for event in events]
    last = max((event.end or event.start for event in events), default=today or date.today())
    document = {"events": slides}
    if title or text:
        document["title"] = {"text": {"headline": escape(title), "text": summary_html(text)}}
    eras = [
        era(dispute.start, dispute.end or last, dispute.name, dispute.summary)
        for dispute in disputes
    ]
    eras += [
        era(term.start, term.end or last, f"{term.person.name}, {term.office}") for term in terms
    ]
    if eras:
        document["eras"] = eras
    return document
