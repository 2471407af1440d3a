"""Atom feeds of every filtered view: /feeds/events.atom?<the dashboard's filters>, and the
same under /fr/, /ru/… with titles, texts and dates in that language.

Readers follow a timeline in their feed reader. The feed reads what the dashboard reads
(`TimelineFilter`, then `selectors.matching_events`: published events only) and answers as
every data answer does (`endpoints.data_endpoint`: GET/HEAD, gzip, CORS, a JSON 400 naming
a bad parameter, and the whole answer cached per URL and data version of its pair, so that
an edit changes its ETag at once).

Each entry is an event: its title, its date in words, its summary (sanitised), its sources
and the corrections the editors recorded since it was published (`public_record.py`: the
same as its page and /corrections/ say; minor ones left out).
"""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from . import selectors
from .corrections import first_published
from .endpoints import data_endpoint
from .http_cache import DATA, cached_publicly, every_country
from .interchange.sanitize import summary_html
from .models import Correction
from .naming import timeline_title, with_query
from .public_record import public_corrections

MAX_ENTRIES = 50
# The year in the entries' tag URIs (RFC 4151): when this site began to mint them. It must
# never change, or every reader would see every entry again as new.
TAG_YEAR = 2026


def feed_url(query=""):
    """The path of the feed of a view whose filters are `query` (a form's query_string)."""
    return with_query(reverse("timeline:feed-events"), query)


def feed_title(pair_label, summary=""):
    """The feed's title is its view's title ("France – Russia: diplomatic relations
    timeline"), so that a reader knows which view a subscription follows."""
    return timeline_title(pair_label, summary)


def tag_uri(request, kind, pk):
    """tag:<host>,2026:<kind>/<pk> (RFC 4151): an entry's id for as long as the row lives."""
    host, _port = split_domain_port(request.get_host())
    return f"tag:{host or 'localhost'},{TAG_YEAR}:{kind}/{pk}"


def entry_id(request, event):
    """The primary key, not the slug, so that the id survives a new title or date. The
    same in every language: an entry is the event, its translations are representations of
    it, and a reader following two languages' feeds should see one entry per event, not
    two. Unique within a feed, since a feed lists an event once."""
    return tag_uri(request, "event", event.pk)


class AtomWithContent(feedgenerator.Atom1Feed):
    """Django's Atom 1.0 feed, each entry with its whole text as `content` (HTML)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class EventsFeed(Feed):
    """The feed of one request's view: built per request (it holds the request, its valid
    filter form, the events and their history, all read before writing starts)."""

    feed_type = AtomWithContent

    def __init__(self, request, form):
        self.request, self.form, self.query = request, form, form.query_string()
        corrections = Correction.objects.filter(minor=False).order_by("corrected_at", "pk")
        events = selectors.matching_events(form.cleaned_data).prefetch_related(
            "sources", Prefetch("corrections", queryset=corrections)
        )
        # A feed reader follows changes, not the calendar: the event published or corrected
        # last comes first, whatever its date (updated_at is its last change; only published
        # events are read, so it is the last change readers could see).
        self.events = list(events.order_by("-updated_at", "-pk")[:MAX_ENTRIES])
        self.published = first_published(self.events)  # one query, whatever their number

    def title(self):
        return feed_title(self.form.pair_label, self.form.summary())

    def subtitle(self):
        return gettext("Published events, the most recently published or corrected first.")

    def link(self):
        return with_query(reverse("timeline:dashboard"), self.query)

    def feed_url(self):
        return feed_url(self.query)

    def author_name(self):
        return gettext("Diplomatic relations timeline")

    def author_link(self):
        return self.request.build_absolute_uri(reverse("timeline:dashboard"))

    def items(self):
        return self.events

    def item_title(self, event):
        return event.localized_title  # Atom's title is text: written escaped, as it is

    def item_link(self, event):
        return event.get_absolute_url()

    def item_guid(self, event):
        return entry_id(self.request, event)

    def item_pubdate(self, event):
        # The history's record is written just after the save stamps updated_at: never
        # say an entry was published after its last update.
        published = self.published.get(event.pk) or event.created_at
        return min(published, event.updated_at)

    def item_updateddate(self, event):
        return event.updated_at

    def item_description(self, event):
        return None  # no <summary>: the whole text is the entry's <content>

    def item_extra_kwargs(self, event):
        return {"content": entry_html(event)}


def entry_html(event):
    """An entry's text as safe HTML: its date, whether it was cancelled, its summary
    (escaped, or sanitised when it holds HTML), each correction, then its sources."""
    parts = [format_html("<p>{}</p>", event.date_display)]
    if event.cancelled:
        parts.append(format_html("<p>{}</p>", gettext("Cancelled: did not take place")))
    parts.append(mark_safe(summary_html(event.localized_summary)))  # escaped or sanitised
    for correction in event.corrections.all():
        line = gettext("Corrected on %(date)s: %(fields)s.") % {
            "date": correction.date_display,
            "fields": correction.in_words,
        }
        parts.append(format_html("<p>{}</p>", line))
    sources = list(event.sources.all())
    if sources:
        heading = ngettext("Source", "Sources", len(sources))
        items = format_html_join("", "<li>{}</li>", ((source_html(s),) for s in sources))
        parts.append(format_html("<p>{}</p><ul>{}</ul>", heading, items))
    return "".join(parts)


def source_html(source):
    """ "<a href=URL>Title</a>, Publisher" as the event page writes a source."""
    named = source.title or source.url
    cited = format_html('<a href="{}">{}</a>', source.url, named) if source.url else named
    return format_html("{}, {}", cited, source.publisher) if source.publisher else cited


@data_endpoint
def events_feed(request, form):
    """/feeds/events.atom: the Atom feed of the view the filters describe."""
    feed = EventsFeed(request, form).get_feed(None, request)
    response = HttpResponse(content_type=feed.content_type)
    feed.write(response, "utf-8")
    return response


class CorrectionsFeed(Feed):
    """The public record of corrections (/feeds/corrections.atom), newest first: one entry
    per correction, whose id stays the correction's whatever its event becomes."""

    feed_type = AtomWithContent

    def __init__(self, request):
        self.request = request
        self.corrections = list(public_corrections()[:MAX_ENTRIES])

    def title(self):
        return gettext("Corrections: diplomatic relations timeline")

    def link(self):
        return reverse("timeline:corrections")

    def feed_url(self):
        return reverse("timeline:feed-corrections")

    def items(self):
        return self.corrections

    def item_title(self, correction):
        return gettext("Corrected: %(title)s") % {"title": correction.event.localized_title}

    def item_link(self, correction):
        return correction.event.get_absolute_url()

    def item_guid(self, correction):
        return tag_uri(self.request, "correction", correction.pk)

    def item_pubdate(self, correction):
        return correction.corrected_at

    def item_updateddate(self, correction):
        return correction.corrected_at

    def item_description(self, correction):
        return None

    def item_extra_kwargs(self, correction):
        event_date = correction.event.date_display
        return {"content": format_html("<p>{}</p><p>{}</p>", event_date, correction.in_words)}


@require_safe
@cached_publicly(DATA, every_country)  # a correction changes its event's countries' tokens
@gzip_page
def corrections_feed(request):
    """/feeds/corrections.atom: the corrections readers are told about, newest first."""
    feed = CorrectionsFeed(request).get_feed(None, request)
    response = HttpResponse(content_type=feed.content_type)
    feed.write(response, "utf-8")
    return response
