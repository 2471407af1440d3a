from django import template
from django.urls import reverse

from .. import picture
from ..embed import (
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    embed_code,
    oembed_discovery_url,
    sized,
)
from ..naming import timeline_title, with_query

register = template.Library()


@register.simple_tag(takes_context=True)
def embed_links(context):
    """Absolute addresses of the current view: its embed page, its dashboard link, oEmbed,
    in the page's language (a French page embeds /fr/embed/), and the timeline's title."""
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
    }


@register.simple_tag
def embed_codes(share):
    """The dialog's embed code: with its size left for the dialog's script to fill, and at
    the default size (the same code filled in, as the script would)."""
    template = embed_code(share["src"], share["title"], "{width}", "{height}")
    return {"template": template, "code": sized(template, share["width"], share["height"])}


@register.simple_tag(takes_context=True)
def picture_caption(context):
    """What a downloaded picture of the chart says about itself (timeline/picture.py)."""
    return picture.caption(context["request"], context["form"], context.get("credit"))
