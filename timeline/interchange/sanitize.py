"""Rich text rules, in one place: what HTML a summary may hold, and how to make plain text.

Imported text (a TimelineJS sheet's Text column) is HTML written elsewhere, and TimelineJS
renders our exported text as HTML: both go through clean_html(). Allowed: links, bold and
italics, paragraphs, line breaks, lists and block quotes. Everything else is dropped —
scripts and styles with their content, event handlers (onerror, onclick…), and links
whose scheme is not http, https or mailto (no javascript:). Unicode is kept as it is.
"""

import html

import nh3
from django.utils.html import escape, linebreaks

ALLOWED_TAGS = frozenset({"a", "b", "i", "em", "strong", "p", "br", "ul", "ol", "li", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def has_markup(text):
    return any(char in text for char in "<>&")


def clean_html(text):
    """Sanitised HTML: only the allowed tags and attributes, safe link schemes."""
    if not has_markup(text or ""):
        return (text or "").strip()  # nothing to sanitise (and nh3 is the slow part of imports)
    return nh3.clean(
        text or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def plain_text(text):
    """Text without any markup (for titles, publishers, captions): tags and entities resolved."""
    if not has_markup(text or ""):
        return " ".join((text or "").split())
    cleaned = nh3.clean(text or "", tags=set(), strip_comments=True)
    return " ".join(html.unescape(cleaned).split())


def text_and_html(text):
    """(text, sanitised HTML) of a curated text for data exports: a text typed as text is
    given as is (its line breaks kept) with no HTML; HTML (an import's) as text and apart."""
    if not text or not nh3.is_html(text):
        return text or "", ""
    return plain_text(text), clean_html(text)


def summary_html(summary):
    """A summary as safe HTML, whether it was typed as plain text or imported as HTML.

    Plain text is escaped and its blank lines become paragraphs; HTML is sanitised.
    The result can be marked safe in a template.
    """
    if not summary:
        return ""
    if nh3.is_html(summary):
        return clean_html(summary)
    return linebreaks(escape(summary))
