"""The data API: published events as JSON (paginated), CSV and TimelineJS 3 JSON.

Same filters and the same selector as the dashboard (forms.TimelineFilter →
selectors.published_events), so the API can never show what the dashboard would not.
Bad parameters answer 400 with the offending parameter named, as JSON.

Content in every language of the site: `title`, `summary` and `quote` are the original
(English) texts, as curated; `title_fr`, `title_ru`, `summary_fr`… are their versions in each
other language, empty where there is none (a reader's own fallback decides what to show; the
site shows the original).
`summary` is text; where a curated or imported summary holds HTML, `summary_html` gives it
sanitised. The CSV starts with a UTF-8 byte-order mark unless `bom=0`, so that spreadsheets
read it as UTF-8. Disputes are given by slug in `disputes`. Every URL also answers under /fr/ (/fr/api/…),
where `date_display` and error messages are French; the fields are the same.
"""

import csv

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from . import citations, search, selectors
from .endpoints import bad_request, cors, data_endpoint
from .figures import overview_for
from .forms import ListPage, TimelineFilter, counted_page
from .interchange.sanitize import text_and_html
from .interchange.timelinejs_export import build_timelinejs
from .languages import exported_name, translated_codes, versions
from .models import Event

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class PageForm(ListPage):
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


def filtered_events(form):
    """The published events of a valid filter form, with what a record shows."""
    return selectors.published_events(form.cleaned_data).prefetch_related("sources")


def absolute_url(request, path):
    return request.build_absolute_uri(path)


def in_every_language(obj, field):
    """{'title': original, 'title_fr': …, 'title_ru': …}: the API's names for the versions."""
    return {exported_name(field, code): text for code, text in versions(obj, field).items()}


def summaries(event):
    """The summary as text in every language, and as sanitised HTML apart (an imported
    summary may hold HTML): `summary`, `summary_fr`…, `summary_html`, `summary_fr_html`…"""
    texts, html = {}, {}
    for name, summary in in_every_language(event, "summary").items():
        texts[name], html[f"{name}_html"] = text_and_html(summary)
    return {**texts, **html}


def event_record(event, request):
    """One event as the API's JSON object (the fields the architecture guide lists)."""
    return {
        "id": event.pk,
        "slug": event.slug,
        **in_every_language(event, "title"),
        "kind": event.kind,
        "start": event.start.isoformat(),
        "end": event.end.isoformat() if event.end else None,
        "date_precision": event.date_precision,
        "date_display": event.date_display,
        "date_edtf": event.date_edtf,
        "date_certainty": event.date_certainty,
        "latest_start": event.latest_start.isoformat() if event.latest_start else None,
        "cancelled": event.cancelled,
        **summaries(event),
        **in_every_language(event, "quote"),
        "countries": [country.code for country in event.countries.all()],
        "about": [country.code for country in event.about.all()],
        "people": [
            {
                **in_every_language(p.person, "name"),
                "slug": p.person.slug,
                "role": p.role,
            }
            for p in event.participations.all()
            if p.person_id
        ],
        "organizations": [
            {
                **in_every_language(p.organization, "name"),
                "slug": p.organization.slug,
                "role": p.role,
            }
            for p in event.participations.all()
            if p.organization_id
        ],
        "disputes": [dispute.slug for dispute in event.disputes.all()],
        "tags": [tag.slug for tag in event.tags.all()],
        "place": place_record(event.place),
        "tone": event.tone,
        "sources": [
            {
                "url": source.url,
                "publisher": source.publisher,
                "author": source.author,
                "title": source.title,
                "published": source.published.isoformat() if source.published else None,
                "quote": source.quote,
                "archived_url": source.archived_url,
            }
            for source in event.sources.all()
        ],
        "url": absolute_url(request, event.get_absolute_url()),
    }


def place_record(place):
    if place is None:
        return None
    return {
        **in_every_language(place, "name"),
        "country": place.country.code if place.country else None,
        "latitude": float(place.latitude) if place.latitude is not None else None,
        "longitude": float(place.longitude) if place.longitude is not None else None,
    }


@data_endpoint
def events_json(request, form):
    events = filtered_events(form)
    searched = form.cleaned_data.get("q")
    if searched:  # the best matches first, then in time order
        events = events.order_by(search.relevance(searched), "start", "pk")
    paging = PageForm(request.GET)
    if not paging.is_valid():
        return bad_request(paging)
    size = paging.cleaned_data["page_size"] or DEFAULT_PAGE_SIZE
    number = paging.cleaned_data["page"] or 1
    try:
        page = counted_page(
            events.select_related("place__country"),
            # A search is seldom asked twice: its count alone (one scan of the texts), not
            # the chart's whole overview (totals, tone, bins: three), which it would cache.
            count=events.count() if searched else overview_for(form).totals.count,
            number=number,
            size=size,
        )
    except ValidationError as past_the_end:
        paging.add_error("page", past_the_end)
        return bad_request(paging)
    paginator = page.paginator

    def page_url(n):
        query = request.GET.copy()
        query["page"] = n
        return absolute_url(request, f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": page_url(number + 1) if page.has_next() else None,
            "previous": page_url(number - 1) if page.has_previous() else None,
            "results": [event_record(event, request) for event in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


CSV_COLUMNS = [
    "id",
    "slug",
    "start",
    "end",
    "date_precision",
    "date",
    "kind",
    "cancelled",
    "title",
    "summary",
    "quote",
    "countries",
    "people",
    "organizations",
    "disputes",
    "tags",
    "place",
    "tone",
    "sources",
    "url",
    "title_fr",
    "summary_fr",
    "quote_fr",
    "about",
    "source_titles",
    "date_edtf",
]
# Columns are only ever appended, so that a spreadsheet reading them by position keeps
# working: French came first, every other language's versions follow.
CSV_COLUMNS += [
    exported_name(field, code)
    for code in translated_codes()
    if f"title_{code}" not in CSV_COLUMNS
    for field in ("title", "summary", "quote")
]


class CsvForm(forms.Form):
    bom = forms.ChoiceField(
        choices=[("1", "1"), ("0", "0")],
        required=False,
        error_messages={
            "invalid_choice": "“bom” is 1 (the default: a UTF-8 byte-order mark first) or 0."
        },
    )


def neutralise(cell):
    """Make a text cell inert in spreadsheets: a leading formula character gets a quote."""
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_row(record):
    def names(items):
        return "; ".join(f"{item['name']} ({item['role']})" for item in items)

    row = {
        **record,
        "date": record["date_display"],
        "end": record["end"] or "",
        "cancelled": "yes" if record["cancelled"] else "no",
        "countries": "; ".join(record["countries"]),
        "about": "; ".join(record["about"]),
        "people": names(record["people"]),
        "organizations": names(record["organizations"]),
        "disputes": "; ".join(record["disputes"]),
        "tags": "; ".join(record["tags"]),
        "place": record["place"]["name"] if record["place"] else "",
        # The sources' URLs and titles in two columns, in the same order ("" for a source
        # without a URL, a print article): a title may hold any character but a newline.
        "sources": " | ".join(s["url"] for s in record["sources"]),
        "source_titles": " | ".join(s["title"] or s["publisher"] for s in record["sources"]),
    }
    return [neutralise(row[column]) for column in CSV_COLUMNS]


@data_endpoint
def events_csv(request, form):
    events = filtered_events(form)
    options = CsvForm(request.GET)
    if not options.is_valid():
        return bad_request(options)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    pair = form.cleaned_data["pair"]
    response["Content-Disposition"] = f'attachment; filename="events-{pair}.csv"'
    if options.cleaned_data["bom"] != "0":
        # A byte-order mark by default: Excel then reads the file as UTF-8 ("François", "–").
        response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event in events.select_related("place__country"):
        writer.writerow(csv_row(event_record(event, request)))
    return response


@data_endpoint
def timelinejs_json(request, form):
    """The filtered events as a TimelineJS 3 document, with disputes and terms as eras."""
    events = filtered_events(form)
    filters = form.cleaned_data
    codes = form.pair_codes
    data = build_timelinejs(
        events,
        terms=selectors.office_terms(codes),
        disputes=selectors.disputes_between(codes, filters.get("dispute")),
        title=f"{form.pair_label}: diplomatic relations",
        url_for=lambda event: absolute_url(request, event.get_absolute_url()),
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@data_endpoint(filters=False)
def index(request):
    """/api/: what the API offers, for a person or a client finding their way."""

    def url(name):
        return absolute_url(request, reverse(f"timeline:{name}"))

    kinds = ", ".join(Event.Kind.values)
    return JsonResponse(
        {
            "endpoints": [
                {
                    "url": url("api-events"),
                    "format": "JSON",
                    "description": "Published events, paginated, in date order.",
                    "parameters": {
                        "page": "1, 2, …",
                        "page_size": f"1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})",
                    },
                },
                {
                    "url": url("api-events-csv"),
                    "format": "CSV",
                    "description": "The same events, one row each, UTF-8.",
                },
                {
                    "url": url("api-timelinejs"),
                    "format": "TimelineJS 3 JSON",
                    "description": "The events, with disputes and office terms as eras.",
                },
            ],
            "filters": {
                "pair": "two ISO 3166-1 alpha-2 country codes, e.g. FR-RU (the default)",
                "from": "YYYY-MM-DD: events on or after this day",
                "to": "YYYY-MM-DD: events on or before this day",
                "kind": f"repeatable, one of: {kinds}",
                "dispute": "a dispute's slug",
                "person": "a person's slug",
                "tag": "repeatable, a tag's slug (any of them)",
                "q": "words in the title, summary, quote or place, in any language, whatever their case and accents (every word must be found); JSON lists the best matches first",
            },
            "errors": 'a bad parameter answers 400 with {"error": …, "errors": {parameter: [messages]}}',
            "languages": "under /fr/api/… dates written and errors are French; the fields are the same",
        },
        json_dumps_params={"ensure_ascii": False},
    )


# --- citations (timeline/citations.py) ---------------------------------------------------
class CiteForm(forms.Form):
    format = forms.ChoiceField(choices=[(name, name) for name in citations.FORMATS])


def citation_download(items, name, request):
    """The items in the asked `format`, as a file to save; 400 naming `format` if bad."""
    chosen = CiteForm(request.GET)
    if not chosen.is_valid():
        return bad_request(chosen)
    kind = chosen.cleaned_data["format"]
    write = {"csl-json": citations.csl_json, "bibtex": citations.bibtex, "ris": citations.ris}
    content_type, extension = citations.FORMATS[kind]
    response = HttpResponse(write[kind](items), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return cors(response)


# Not kept in the response cache: a citation carries the day it was accessed.
@require_safe
@gzip_page
def cite_view(request):
    """/api/cite?<filters>&format=…: the citation of a filtered view."""
    form = TimelineFilter(request.GET)
    if not form.is_valid():
        return bad_request(form)
    name = "timeline-" + "-".join(form.pair_codes).lower()
    return citation_download(citations.view_items(form, request), name, request)


@require_safe
@gzip_page
def cite_event(request, slug):
    """/api/events/<slug>/cite?format=…: an event's citation, then its sources'."""
    event = selectors.event_with_sources(slug)
    if event is None:
        message = _("No published event has this address.")
        return cors(JsonResponse({"error": message, "errors": {"slug": [message]}}, status=404))
    return citation_download(citations.event_items(event, request), event.slug, request)
