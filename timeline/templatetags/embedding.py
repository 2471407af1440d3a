from django import template
from django.urls import reverse

from ..embed import (
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    embed_code,
    oembed_discovery_url,
    timeline_title,
    with_query,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def embed_links(context):
    """Absolute addresses of the current view: its embed page, its dashboard link, oEmbed,
    in the page's language (a French page embeds /fr/embed/), the timeline's title, and
    its embed code (at the default size, and with the size left for the dialog to fill)."""
    request, form = context["request"], context["form"]
    query = form.query_string()
    src = request.build_absolute_uri(with_query(reverse("timeline:embed"), query))
    title = timeline_title(form.pair_label, form.summary())
    return {
        "src": src,
        "link": request.build_absolute_uri(with_query(reverse("timeline:dashboard"), query)),
        "oembed": oembed_discovery_url(request),
        # The same events as data (the API takes the same filters).
        "csv": with_query(reverse("timeline:api-events-csv"), query),
        "json": with_query(reverse("timeline:api-events"), query),
        "width": DEFAULT_WIDTH,
        "height": DEFAULT_HEIGHT,
        "title": title,
        "code": embed_code(src, title),
        "template": embed_code(src, title, "{width}", "{height}"),
    }
