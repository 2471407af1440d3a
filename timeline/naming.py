"""How a view of the timeline is named and addressed: its title and its URL with its
filters. Shared by the pages, the embed, the feeds, the citations and the pictures (and
kept apart from them so that none imports another's views)."""

from django.utils.translation import gettext


def timeline_title(pair_label, summary=""):
    """ "France – Russia: diplomatic relations timeline", with the narrowing filters in words
    when there are some ("France – Russia · Syria and Aleppo: …"), in the active language:
    the title of the dashboard, the embed, their oEmbed answer and their link previews."""
    if summary:
        return gettext("%(pair_label)s · %(filter_summary)s: diplomatic relations timeline") % {
            "pair_label": pair_label,
            "filter_summary": summary,
        }
    return gettext("%(pair_label)s: diplomatic relations timeline") % {"pair_label": pair_label}


def with_query(path, query):
    return f"{path}?{query}" if query else path
