"""Public pages: the dashboard and the event page.

One path for data (see ARCHITECTURE.md): GET parameters -> query.TimelineFilter ->
selectors -> charts.build_figure -> one template per page, whose partials htmx swaps in.
"""

from urllib.parse import parse_qs, urlsplit

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import charts, selectors
from .models import Participation
from .query import DEFAULT_PAIR, TimelineFilter, normalise_pair


def wants_partial(request):
    """An htmx request swaps a partial in; a history restore asks for the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def dashboard_context(form):
    """What the dashboard shows for a filter form: the events, the figure, its description."""
    if not form.is_valid():
        return {"form": form, "events": [], "figure": None, "description": ""}
    filters = form.cleaned_data
    codes = form.pair_codes
    names = selectors.countries(codes)
    countries = [(code, names[code].localized_name if code in names else code) for code in codes]
    events = list(selectors.published_events(filters))
    terms = selectors.office_terms(codes)
    disputes = selectors.disputes_between(codes, filters.get("dispute"))
    view = (filters.get("from"), filters.get("to"))
    figure = charts.build_figure(
        events,
        terms,
        disputes,
        countries=countries,
        view=view,
        extent=selectors.extent(codes),
        # Keep the reader's zoom while only kinds, people, tags or words change.
        uirevision="|".join([filters["pair"], str(view[0] or ""), str(view[1] or "")]),
    )
    description = charts.describe(events, terms, disputes, countries=countries, view=view)
    return {"form": form, "events": events, "figure": figure, "description": description}


@require_GET
def dashboard(request):
    form = TimelineFilter(request.GET)
    context = dashboard_context(form)
    context["pair_label"] = form.pair_label
    template = "timeline/dashboard.html"
    if wants_partial(request):
        template += "#results"
        # The header's language switcher is outside the swapped results: it comes along
        # out of band, so that its links carry the new filters.
        context["swap_language_switch"] = True
    status = 200 if form.is_valid() else 400
    return render(request, template, context, status=status)


@require_GET
def event_detail(request, slug):
    event = selectors.event_with_sources(slug)
    if event is None:
        raise Http404("No published event here.")
    panel = wants_partial(request)
    context = {
        "event": event,
        "panel": panel,
        # Inside the embed, filter links open the dashboard in a new tab instead of swapping.
        "embedded": panel and is_from_embed(request),
        "pair": current_pair(request, event),
        "speakers": [
            p.actor for p in event.participations.all() if p.role == Participation.Role.SPEAKER
        ],
    }
    return render(request, "timeline/event.html" + ("#detail" if panel else ""), context)


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
