"""The XSS corpus: hostile strings stored in every curated text field (issue 6, item 2).

Each payload that can run would set `window.__xss` (or its parent's, from a frame) or
open a dialog (`alert`); the browser tests watch both. The others test what is not
script: Plotly's `%{…}` templates, Django/Jinja template syntax, spreadsheet formulas. Every payload is short enough to
fit the shortest curated field (a country's name, 100 characters) with its marker.

`store_corpus()` writes the corpus through the ORM into every curated text field of every
model; the admin forms and the TimelineJS import are exercised by the tests themselves.
"""

import csv
import io
import re
from collections import defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser

from django.db import transaction

from timeline.interchange.timelinejs_import import prepare_import, write_import
from timeline.models import (
    Country,
    Dispute,
    Event,
    OfficeTerm,
    Organization,
    Participation,
    Person,
    Place,
    Source,
    Tag,
)

PAYLOADS = [
    # <script> tags: plain, mixed case, split (a filter that strips once leaves a tag).
    "<script>window.__xss=1</script>",
    "<ScRiPt>window.__xss=1</sCrIpT>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<script src=data:text/javascript,window.__xss=1></script>",
    # Event-handler attributes.
    "<img src=x onerror=window.__xss=1>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=window.__xss=1>",
    "<body onload=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    # javascript: and data: URLs, with entity, whitespace and case tricks.
    '<a href="javascript:window.__xss=1">js</a>',
    '<a href="jav&#x09;ascript:window.__xss=1">tab</a>',
    '<a href=" JaVaScRiPt:window.__xss=1">case</a>',
    '<a href="&#106;avascript:window.__xss=1">ent</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "javascript:window.__xss=1",
    # SVG with script.
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a href="javascript:window.__xss=1"><text y=9>s</text></a></svg>',
    # What Plotly renders in hover labels and annotations.
    '<a href="javascript:window.__xss=1" target=_self>plotly</a>',
    "<b onmouseover=window.__xss=1>bold</b>",
    '<span style="background:url(javascript:window.__xss=1)">st</span>',
    "%{customdata} %{x} %{hovertext}",
    # Template syntax (Django, Jinja, JS template literals).
    "{{ 7*7 }} {% debug %} {# c #} ${7*7}",
    # Breaking out of json_script and of attributes.
    "</script><script>window.__xss=1</script>",
    '"><img src=x onerror=window.__xss=1>',
    "'><svg onload=window.__xss=1>",
    # Entities that a second decoding would turn into markup.
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    # Unicode and encoding tricks: fullwidth, overlong UTF-8, zero-width, RTL override.
    "＜script＞window.__xss=1＜/script＞",
    "%C0%BCscript%C0%BEwindow.__xss=1%C0%BC/script%C0%BE",
    "<scr\u200bipt>window.__xss=1</scr\u200bipt>",
    "\u202e<img src=x onerror=window.__xss=1>\u202c",
    # Frames, objects, base and meta.
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<base href="javascript:window.__xss=1//">',
    '<meta http-equiv=refresh content="0;url=javascript:window.__xss=1">',
    # CSS expression() (old IE) and a style block.
    '<div style="width:expression(window.__xss=1)">css</div>',
    # Mutation XSS through parser differentials.
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    # Spreadsheet formulas (CSV injection), for the CSV export.
    '=HYPERLINK("https://evil.example","<img src=x onerror=window.__xss=1>")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
]

# An address an URLField accepts that still tries to break out of the href attribute.
HOSTILE_VALID_URL = 'https://example.org/x"><img/src=x/onerror=window.__xss=1>'
# Addresses an URLField must refuse.
REFUSED_URLS = [
    "javascript:window.__xss=1",
    "JaVaScRiPt:window.__xss=1",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]

CORPUS_START = date(2018, 1, 1)
LIMIT = 100  # the shortest curated field: Country.name, Tag.name


def labelled(index, payload):
    """The payload with a marker after it: unique (tag and place names are unique) and
    findable, and the payload stays at the start of the text (for the CSV formula check)."""
    return f"{payload} [x{index:02d}]"


def corpus_date(index):
    return CORPUS_START + timedelta(days=9 * index)


def chunks(limit=190):
    """The payloads in groups, each group's labelled payloads joined by spaces within
    `limit` characters (a title, a name): [(indexes, text)]. Fewer admin saves, all payloads."""
    groups, current = [], []
    for i, _payload in enumerate(PAYLOADS):
        if current and len(" ".join(labelled(j, PAYLOADS[j]) for j in current + [i])) > limit:
            groups.append(current)
            current = []
        current.append(i)
    groups.append(current)
    return [(group, " ".join(labelled(j, PAYLOADS[j]) for j in group)) for group in groups]


@transaction.atomic
def store_corpus(*, rename_pair=True):
    """Write every payload into every curated text field, through the ORM.

    For each payload: a published FR–RU statement (title, summary, quote) at a place, with a
    person and an organisation taking part, a dispute between FR and RU, a tag, a source
    (title, publisher, author, quote, a hostile but valid url), an office term in a country
    of its own. With `rename_pair`, France and Russia (which must exist) are renamed to carry
    two payloads, and the leading offices of their lanes too: they show on every public page
    (the pair's label, the chart's lanes). Returns the corpus events, in payload order.
    """
    fr = Country.objects.get_or_create(code="FR", defaults={"name": "France"})[0]
    ru = Country.objects.get_or_create(code="RU", defaults={"name": "Russia"})[0]
    events = []
    # Many-to-many links in bulk: their history rows are what makes one at a time slow.
    links = defaultdict(list)
    for i, payload in enumerate(PAYLOADS):
        text = labelled(i, payload)
        country = Country.objects.update_or_create(code=_code(i), defaults={"name": text})[0]
        place = Place.objects.create(name=text, country=country)
        person = Person.objects.create(name=text, country=country)
        OfficeTerm.objects.create(person=person, office=text, country=country, start=corpus_date(i))
        organization = Organization.objects.create(name=text, country=country)
        tag = Tag.objects.create(name=text)
        dispute = Dispute.objects.create(
            slug=f"xss-{i:02d}",
            name=text,
            summary=payload,
            start=corpus_date(i),
            end=corpus_date(i) + timedelta(days=5),
            status=Dispute.Status.RESOLVED,
        )
        links[Dispute.parties.through] += [
            Dispute.parties.through(dispute=dispute, country=c) for c in (fr, ru)
        ]
        event = Event.objects.create(
            title=text,
            summary=payload,
            quote=payload,
            kind=Event.Kind.STATEMENT,
            start=corpus_date(i),
            place=place,
            state=Event.State.PUBLISHED,
        )
        links[Event.countries.through] += [
            Event.countries.through(event=event, country=c) for c in (fr, ru, country)
        ]
        links[Event.disputes.through].append(Event.disputes.through(event=event, dispute=dispute))
        links[Event.tags.through].append(Event.tags.through(event=event, tag=tag))
        Participation.objects.create(event=event, person=person, role=Participation.Role.SPEAKER)
        Participation.objects.create(
            event=event, organization=organization, role=Participation.Role.HOST
        )
        Source.objects.create(
            event=event,
            url=HOSTILE_VALID_URL if i % 2 else f"https://example.org/report/{i}",
            archived_url=HOSTILE_VALID_URL,
            title=payload,
            publisher=text,
            author=text,
            quote=payload,
        )
        events.append(event)
    for through, rows in links.items():
        through.objects.bulk_create(rows)
    if rename_pair:
        rename_pair_countries(fr, ru)
    return events


def _code(index):
    """A two-letter code of its own for the corpus country of payload `index` (QA, QB…, then RA…)."""
    return "QRSTUVWXYZ"[index // 26] + chr(65 + index % 26)


# The payloads the pair's names and offices carry (they show on every public page).
PAIR_PAYLOADS = {"FR": 4, "RU": 25}  # an image handler; a quote that breaks out of attributes


def pair_names():
    return {code: labelled(i, PAYLOADS[i]) for code, i in PAIR_PAYLOADS.items()}


def rename_pair_countries(fr, ru):
    names = pair_names()
    for country in (fr, ru):
        country.name = names[country.code]
        country.save()
        # Every office of the country, so that whichever leads its lane carries a payload.
        for office in set(
            OfficeTerm.objects.filter(country=country).values_list("office", flat=True)
        ):
            OfficeTerm.objects.filter(country=country, office=office).update(
                office=f"{office} {names[country.code]}"
            )


# The TimelineJS import ---------------------------------------------------------------------


def imported_headline(i, payload):
    # The marker first: a payload whose markup swallows the rest (<style>…) keeps a headline.
    return f"[i{i:02d}] {payload}"


def corpus_sheet():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Year",
            "Month",
            "Day",
            "Headline",
            "Text",
            "Media",
            "Media Credit",
            "Media Caption",
            "Group",
            "Tag",
        ]
    )
    for i, payload in enumerate(PAYLOADS):
        day = corpus_date(i).replace(year=2019)
        writer.writerow(
            [
                day.year,
                day.month,
                day.day,
                imported_headline(i, payload),
                payload,
                f"https://example.org/import/{i}",
                labelled(i, payload),
                payload,
                imported_headline(i, payload),
                f"imported {i}; {payload}",
            ]
        )
    return out.getvalue()


# Checking that HTML is inert ------------------------------------------------------------------

DANGEROUS_SCHEMES = (
    "javascript:",
    "vbscript:",
    "data:text/html",
    "data:text/javascript",
    "data:image/svg",
)
URL_ATTRIBUTES = {
    "href",
    "src",
    "data",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "srcset",
}
FRAME_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet"}


def normalised_url(value):
    """What a browser would take the scheme to be: control characters and whitespace out."""
    return "".join(
        ch for ch in (value or "") if ord(ch) > 32 and ch not in "\u200b\u200c\u200d\ufeff"
    ).lower()


class InertChecker(HTMLParser):
    """Collects what in an HTML document could run: handlers, scripts, frames, bad links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        names = {name for name, _value in attrs}
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and normalised_url(value).startswith(DANGEROUS_SCHEMES):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"expression\s*\(|javascript:|url\s*\(", value, re.I):
                self.found.append(f"<{tag} style={value!r}>")
            if name == "srcdoc":
                self.found.append(f"<{tag} srcdoc>")
        # Code of ours: JSON data, files, and the page's one line marking when the chart shows
        # (templates/timeline/chart_visible.html); curated text can put no id on a tag.
        ours = (
            dict(attrs).get("type") == "application/json"
            or dict(attrs).get("id") == "chart-visible-mark"
        )
        if tag == "script" and "src" not in names and not ours:
            self.found.append("<script> with code")
        if tag in FRAME_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "base" and "href" in names:
            self.found.append("<base href>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")

    handle_startendtag = handle_starttag


def active_content(html):
    """[what could run] in `html`; [] when it is inert."""
    checker = InertChecker()
    checker.feed(html)
    checker.close()
    return checker.found


def import_corpus():
    """The corpus through the TimelineJS import, published between FR and RU, in 2019."""
    plan = prepare_import(corpus_sheet(), pair="FR-RU", publish=True)
    assert plan.errors == []
    return write_import(plan)
