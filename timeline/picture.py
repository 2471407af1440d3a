"""The words drawn on a downloaded picture of the chart (static/timeline/picture.js): a
picture travels without its page, so it carries its title, its filters, where its sources
are listed and under which licence. One home for them, in the page's language."""

from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .naming import with_query


def caption(request, form, credit):
    """{title, filters, credit, sources, date, name} for a valid TimelineFilter's view."""
    query = form.query_string()
    link = request.build_absolute_uri(with_query(reverse("timeline:dashboard"), query))
    summary = form.summary()
    sources = credit.sentence() if credit else ""
    if credit:
        sources = _("%(sources)s. Data licence: %(licence)s") % {
            "sources": sources,
            "licence": credit.licence_name,
        }
    return {
        "title": form.pair_label,
        "filters": summary or _("All events, every kind"),
        "credit": _("Source: Diplomatic relations timeline, curated sources listed at %(link)s")
        % {"link": link},
        "sources": sources,
        # {date} is filled in by the browser, on the day the picture is made.
        "date": _("image made on {date}"),
        "name": slugify(f"timeline {'-'.join(form.pair_codes)} {summary}")[:80].strip("-"),
    }
