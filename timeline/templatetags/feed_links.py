"""The <link rel="alternate"> that lets feed readers find a page's Atom feed
(timeline/feeds.py): the dashboard's and the embed's with their filters, an event page's
with its pair."""

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from ..feeds import feed_title, feed_url
from ..models import Country

register = template.Library()


@register.simple_tag(takes_context=True)
def events_feed_link(context):
    """The feed of the page's view: its filter form's (none while the form is invalid: the
    feed would answer 400), or, on an event page, its pair's."""
    form, event = context.get("form"), context.get("event")
    if form is not None:
        if not form.is_valid():
            return ""
        query, title = form.query_string(), feed_title(form.pair_label, form.summary())
    elif event is not None and context.get("pair"):
        pair = context["pair"]
        query, title = urlencode({"pair": pair}), feed_title(pair_label(event, pair))
    else:
        return ""
    href = context["request"].build_absolute_uri(feed_url(query))
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">', title, href
    )


def pair_label(event, pair):
    """ "France – Russia" for "FR-RU", from the event's countries (prefetched by the event
    page), asking the database only for a country the event does not involve."""
    codes = pair.split("-")
    names = {c.code: c.localized_name for c in event.countries.all()}
    missing = [code for code in codes if code not in names]
    if missing:
        names |= {c.code: c.localized_name for c in Country.objects.filter(code__in=missing)}
    return " – ".join(names.get(code, code) for code in codes)
