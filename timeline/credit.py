"""The credit line under a timeline: how many sources its events cite, who published them,
and the licence of the curated data (the sources' own texts stay their publishers')."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .figures import cached_for
from .models import Source

# Publishers named by name; the rest are counted ("and 12 others").
NAMED_PUBLISHERS = 4


@dataclass(frozen=True)
class Credit:
    sources: int
    publishers: list  # the most cited first
    other_publishers: int
    licence_name: str
    licence_url: str

    def sentence(self):
        """ "54 sources from Reuters, Le Monde… and 12 other publishers"."""
        n = self.sources
        sources = ngettext("%(n)s source", "%(n)s sources", n) % {"n": n}
        if not self.publishers:
            return sources
        names = ", ".join(self.publishers)
        if self.other_publishers:
            names = ngettext(
                "%(names)s and %(n)s other publisher",
                "%(names)s and %(n)s other publishers",
                self.other_publishers,
            ) % {"names": names, "n": self.other_publishers}
        return _("%(sources)s from %(publishers)s") % {"sources": sources, "publishers": names}


def credit_of(form):
    """The Credit of a valid TimelineFilter's events (cached with its figure)."""
    sources, publishers = cached_for(form, "credit", lambda: publishers_of(form.cleaned_data))
    return Credit(
        sources=sources,
        publishers=publishers[:NAMED_PUBLISHERS],
        other_publishers=max(len(publishers) - NAMED_PUBLISHERS, 0),
        licence_name=settings.DATA_LICENCE_NAME,
        licence_url=settings.DATA_LICENCE_URL,
    )


def publishers_of(filters):
    """(number of sources, [publisher, …] most cited first) of the matching events."""
    cited = Source.objects.filter(event__in=selectors.matching_events(filters))
    rows = (
        cited.exclude(publisher="")
        .values("publisher")
        .annotate(n=Count("id"))
        .order_by("-n", "publisher")
    )
    return cited.count(), [row["publisher"] for row in rows]
