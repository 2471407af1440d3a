"""Public pages: the dashboard and the event page.

One path for data (see docs/architecture.md): GET parameters -> forms.TimelineFilter ->
selectors -> charts.build_figure -> one template per page, whose partials htmx swaps in.

Public pages and data are compressed (`gzip_page`: the figure's JSON shrinks about 8×);
they hold no secret, so compression cannot leak one (BREACH). The admin, whose pages carry
CSRF tokens, is left uncompressed: hence a decorator per view, not GZipMiddleware.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from . import caching, citations, selectors
from .credit import credit_of
from .dates import format_date
from .endpoints import bad_request, data_endpoint
from .figures import cached_for, timeline_for
from .forms import ChartWindow, ListPage, TimelineFilter, counted_page
from .http_cache import PAGE, cached_publicly, every_country
from .models import Participation
from .naming import with_query
from .pairs import DEFAULT_PAIR, normalise_pair
from .permalinks import Moved, Withdrawn, former_address
from .public_record import public_corrections

LIST_PAGE_SIZE = 50


def wants_partial(request):
    """An htmx request swaps a partial in; a history restore asks for the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def dashboard_context(request, form):
    """What the dashboard and the embed show for a filter form: the figure (cached), its
    description and totals, and one page of the event list."""
    paging = ListPage(request.GET)
    if form.is_valid() and not paging.is_valid():
        for error in paging.errors["page"]:
            form.add_error(None, _("“page”: %(error)s") % {"error": error})
    if not form.is_valid():
        return {"form": form, "timeline": None, "page": None, "events": []}
    timeline = timeline_for(form)
    in_order = selectors.matching_events(form.cleaned_data).order_by("start", "pk")
    number = paging.cleaned_data["page"] or 1
    try:
        page = counted_page(
            in_order, count=timeline.totals.count, number=number, size=LIST_PAGE_SIZE
        )
    except ValidationError as past_the_end:
        form.add_error(None, past_the_end)
        return {"form": form, "timeline": None, "page": None, "events": []}
    # Which events are on the page is cached with the figure; their details are read by id.
    ids = cached_for(
        form,
        "list-page",
        lambda: list(
            in_order.values_list("pk", flat=True)[max(page.start_index() - 1, 0) : page.end_index()]
        ),
        number,
    )
    page.object_list = selectors.listed_events(ids)
    return {
        "form": form,
        "timeline": timeline,
        "page": page,
        "events": page.object_list,
        "page_urls": page_urls(request, page),
        "credit": credit_of(form),
    }


def page_urls(request, page):
    """{"previous": url, "next": url} of the list's neighbouring pages (same filters)."""

    def url(number):
        query = request.GET.copy()
        query.pop("page", None)
        if number > 1:
            query["page"] = number
        return f"{request.path}?{query.urlencode()}" if query else request.path

    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else None,
        "next": url(page.next_page_number()) if page.has_next() else None,
    }


@require_safe
@cached_publicly(PAGE, every_country)
@gzip_page
def dashboard(request):
    form = TimelineFilter(request.GET)
    context = dashboard_context(request, form)
    context["pair_label"] = form.pair_label
    context["filter_summary"] = form.summary()
    # ?event=<slug>: the page opens with that event's details (a shared or restored link).
    slug = request.GET.get("event", "").strip()
    if slug and not wants_partial(request):
        event = selectors.event_with_sources(slug)
        context["open_event"] = event_context(request, event, True) if event else None
        context["missing_event"] = event is None
    template = "timeline/dashboard.html"
    if wants_partial(request):
        template += "#results"
        # The header's language switcher is outside the swapped results: it comes along
        # out of band, so that its links carry the new filters.
        context["swap_language_switch"] = True
    status = 200 if form.is_valid() else 400
    return render(request, template, context, status=status)


@data_endpoint
def chart(request, form):
    """The figure as JSON for the window the reader zoomed to (chart.js asks when the
    whole view has too many events to draw one by one: see marks.py)."""
    window = ChartWindow(request.GET)
    if not window.is_valid():
        return bad_request(window)
    timeline = timeline_for(form, window.window)
    return HttpResponse(timeline.figure_json, content_type="application/json")


@require_safe
@cached_publicly(PAGE, every_country)
@gzip_page
def event_detail(request, slug):
    event = selectors.event_with_sources(slug)
    if event is None:
        return former_event(request, slug)
    panel = wants_partial(request)
    context = event_context(request, event, panel)
    return render(request, "timeline/event.html" + ("#detail" if panel else ""), context)


def former_event(request, slug):
    """An address that names no published event: 301 to the event's new address if its
    slug changed, 410 if it was withdrawn (a citation's reader learns what happened),
    else 404."""
    former = former_address(slug)
    if isinstance(former, Moved):
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{former.url}?{query}" if query else former.url)
    if isinstance(former, Withdrawn):
        context = {"withdrawn": format_date(localtime(former.when).date())}
        return render(request, "timeline/withdrawn.html", context, status=410)
    raise Http404("No published event here.")


# As many as chart.js offers at one point of the chart.
MAX_CHOICE = 12


@require_safe
@cached_publicly(PAGE, every_country)
@gzip_page
def events_here(request):
    """The events whose markers lie on each other where the reader clicked (?event=a&event=b):
    the panel lets them choose instead of opening one of them at random."""
    slugs = request.GET.getlist("event")
    if not 0 < len(slugs) <= MAX_CHOICE:
        message = _("“event”: give between 1 and %(n)s events to choose from.") % {"n": MAX_CHOICE}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    events = selectors.published_by_slug(slugs)
    if not events:
        raise Http404("No published event here.")
    panel = wants_partial(request)
    template = "timeline/events_here.html" + ("#choice" if panel else "")
    return render(request, template, {"events": events, "panel": panel})


def event_context(request, event, panel):
    """What the event page and its detail panel show (the panel also opens on the
    dashboard's own page for ?event=<slug>)."""
    return {
        "event": event,
        "panel": panel,
        # Inside the embed, filter links open the dashboard in a new tab instead of swapping.
        "embedded": panel and is_from_embed(request),
        "pair": current_pair(request, event),
        "speakers": [
            p.actor for p in event.participations.all() if p.role == Participation.Role.SPEAKER
        ],
    }


def current_url_parts(request):
    """The page htmx says the reader is on, split; None if absent or not a URL (the
    HX-Current-URL header is the client's word: "http://[" must not crash the panel)."""
    if not (request.htmx and request.htmx.current_url):
        return None
    try:
        return urlsplit(request.htmx.current_url)
    except ValueError:
        return None


def is_from_embed(request):
    parts = current_url_parts(request)
    return parts is not None and parts.path == reverse("timeline:embed")


def current_pair(request, event):
    """The pair the dispute and tag links of an event filter on: the dashboard's the
    reader came from (htmx says which), else FR-RU if the event is between them, else the
    event's first two countries."""
    parts = current_url_parts(request)
    query = parts.query if parts is not None else ""
    pair = normalise_pair((parse_qs(query).get("pair") or [""])[0])
    if pair:
        return pair
    codes = sorted(c.code for c in event.countries.all())
    if set(DEFAULT_PAIR.split("-")) <= set(codes) or len(codes) < 2:
        return DEFAULT_PAIR
    return f"{codes[0]}-{codes[1]}"


@require_safe
@gzip_page
def cite_dialog(request):
    """The Cite dialog's body (htmx) or page: the citation of an event (?event=<slug>) or
    of the filtered view, in each style, with the downloads. Not kept in the response
    cache: a citation carries the day it was accessed."""
    slug = request.GET.get("event", "").strip()
    template = "timeline/cite.html" + ("#cite-body" if wants_partial(request) else "")
    form = None
    if slug:
        event = selectors.event_with_sources(slug)
        if event is None:  # a fragment, not a 404 page, for the dialog to show
            return render(request, template, {"missing": True}, status=404)
        items = citations.event_items(event, request)
        downloads = reverse("timeline:api-event-cite", args=[event.slug]) + "?"
    else:
        form = TimelineFilter(request.GET)
        if not form.is_valid():
            return render(request, template, {"form": form}, status=400)
        items = citations.view_items(form, request)
        downloads = with_query(reverse("timeline:api-cite"), form.query_string())
        downloads += "&" if form.query_string() else "?"
    # citeproc-py takes ~100 ms for an event and its sources: kept per address, host, day
    # (the access date) and data version.
    texts = caching.cached(
        ["cite", request.get_host(), request.get_full_path(), timezone.localdate()],
        lambda: {key: citations.formatted(items, key) for key in citations.STYLES},
        codes=caching.EVERY,
    )
    context = {
        "styles": [(key, label, texts[key]) for key, label in citations.STYLES.items()],
        "downloads": [(name, f"{downloads}format={name}") for name in citations.FORMATS],
        "version": items[0]["version"],
        "accessed": format_date(timezone.localdate()),
        "cites_event": bool(slug),
        "form": form,
    }
    return render(request, template, context)


CORRECTIONS_PAGE_SIZE = 50


@require_safe
@cached_publicly(PAGE, every_country)
@gzip_page
def corrections(request):
    """The public record of corrections, newest first (timeline/public_record.py)."""
    paging = ListPage(request.GET)
    if not paging.is_valid():
        return HttpResponse(
            _("“page”: %(error)s") % {"error": " ".join(paging.errors["page"])},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    record = public_corrections()
    number = paging.cleaned_data["page"] or 1
    try:
        page = counted_page(record, count=record.count(), number=number, size=CORRECTIONS_PAGE_SIZE)
    except ValidationError as past_the_end:
        return HttpResponse(
            " ".join(past_the_end.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    context = {"page": page, "page_urls": page_urls(request, page)}
    return render(request, "timeline/corrections.html", context)


@require_safe
def favicon(request):
    """/favicon.ico, for the clients that ask for it whatever the page says: the site's icon."""
    return HttpResponsePermanentRedirect(static("timeline/favicon.svg"))
