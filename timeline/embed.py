"""Embedding the timeline in other sites: the frameable /embed/ page, its embed code, and
oEmbed 1.0 discovery and answers.

/embed/ is the only page that may be framed (CSP frame-ancestors from
settings.EMBED_ALLOWED_ORIGINS, no X-Frame-Options); every other page refuses framing. It
needs no cookie and sets none, so it works in a cross-origin iframe with third-party
cookies blocked.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language_from_path, override
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from .figures import timeline_for
from .forms import TimelineFilter
from .http_cache import DATA, PAGE, cached_publicly, every_country
from .naming import timeline_title, with_query
from .views import dashboard_context, wants_partial

DEFAULT_WIDTH = 800
DEFAULT_HEIGHT = 640  # the embed code's height before the page has told its host its own
# What the embed page holds besides its chart at DEFAULT_WIDTH, measured in Chromium for the
# shipped view (heading, zoom buttons and legend, description, credit line, list, links;
# 414 px), with room for a longer legend: an oEmbed iframe is as tall as its chart plus this.
EMBED_CHROME_PX = 440
PROVIDER_NAME = "Diplomatic relations timeline"


def allow_framing(response):
    """Let the embedding sites frame this response, and only them."""
    origins = settings.EMBED_ALLOWED_ORIGINS or ["*"]
    response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": origins}
    return response


def embed_code(src, title, width=DEFAULT_WIDTH, height=DEFAULT_HEIGHT):
    """The code a host page pastes: the iframe of `src` and the few lines that size it to
    what the embed reports. The one home of the embed code: oEmbed's html, the dashboard's
    dialog (`sized` fills in a code made with "{width}" and "{height}", as its script does)
    and the README's example (a test compares them) all come from here."""
    context = {"src": src, "title": title, "width": width, "height": height}
    return render_to_string("timeline/embed_code.html", context).strip()


def sized(code, width, height):
    """An embed code made with "{width}" and "{height}" for the size, at this size."""
    return code.replace("{width}", str(width)).replace("{height}", str(height))


@require_safe
@cached_publicly(PAGE)
@gzip_page
@xframe_options_exempt
def embed(request):
    form = TimelineFilter(request.GET)
    context = dashboard_context(request, form)
    query = form.query_string()
    context.update(
        {
            "pair_label": form.pair_label,
            "timeline_title": timeline_title(form.pair_label, form.summary()),
            "filter_summary": form.summary(),
            "dashboard_url": with_query(reverse("timeline:dashboard"), query),
            "data_url": with_query(reverse("timeline:api-events-csv"), query),
            "oembed_url": oembed_discovery_url(request),
        }
    )
    template = "timeline/embed.html" + ("#embed-results" if wants_partial(request) else "")
    status = 200 if form.is_valid() else 400
    return allow_framing(render(request, template, context, status=status))


def oembed_error(status, message, parameter=None):
    body = {"error": message}
    if parameter:
        body["errors"] = {parameter: [message]}
    return JsonResponse(body, status=status)


def positive_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@require_safe
@cached_publicly(DATA, every_country)
def oembed(request):
    """oEmbed 1.0: a "rich" answer whose html is the iframe of the embed page."""
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        return oembed_error(501, f"Format “{fmt}” is not served; use format=json.", "format")
    url = request.GET.get("url", "").strip()
    if not url:
        return oembed_error(400, "The “url” parameter is required.", "url")
    for name in ("maxwidth", "maxheight"):
        if name in request.GET and positive_int(request.GET[name]) is None:
            return oembed_error(400, f"“{name}” must be a positive whole number.", name)

    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[" and other unparseable URLs
        return oembed_error(400, "The “url” parameter is not a valid URL.", "url")
    # The embed speaks the language of the URL given (/fr/… is French), whatever the
    # language of the oEmbed endpoint's own address.
    language = get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with override(language):
        return oembed_answer(request, parts)


def oembed_answer(request, parts):
    ours = parts.scheme in ("http", "https") and parts.netloc == request.get_host()
    embeddable = {reverse("timeline:dashboard"), reverse("timeline:embed")}
    if not ours or parts.path not in embeddable:
        return oembed_error(404, "This URL is not a timeline of this site.", "url")

    form = TimelineFilter(QueryDict(parts.query))
    if not form.is_valid():
        field = next(iter(form.errors))
        return oembed_error(400, f"The URL's “{field}” is invalid: {form.errors[field][0]}", "url")

    width = min(DEFAULT_WIDTH, positive_int(request.GET.get("maxwidth")) or DEFAULT_WIDTH)
    # Tall enough for the view's chart and the page around it; a smaller maxheight gets an
    # iframe that scrolls (and hosts that listen to the page's height message resize it).
    fits = timeline_for(form).height + EMBED_CHROME_PX
    height = min(fits, positive_int(request.GET.get("maxheight")) or fits)
    src = request.build_absolute_uri(with_query(reverse("timeline:embed"), form.query_string()))
    title = timeline_title(form.pair_label, form.summary())
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": PROVIDER_NAME,
            "provider_url": request.build_absolute_uri("/"),
            "title": title,
            "html": embed_code(src, title, width, height),
            "width": width,
            "height": height,
            "cache_age": 3600,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def oembed_discovery_url(request):
    """The oEmbed endpoint for the page being rendered (for the discovery <link>)."""
    query = QueryDict(mutable=True)
    query["url"] = request.build_absolute_uri()
    query["format"] = "json"
    return request.build_absolute_uri(f"{reverse('timeline:oembed')}?{query.urlencode()}")
