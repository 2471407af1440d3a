"""The XSS corpus in Chromium: stored in every curated text field (through the ORM, the
TimelineJS import and the admin form), no payload runs and none renders as markup on the
dashboard (chart lanes, hover labels, legend, list, detail panel), the event pages, the
embed page and the admin's lists, forms and history (issue 6, item 2).

Each payload would set `window.__xss` or open a dialog; on every page the tests check that
the sentinel stays unset, no dialog opened, the Content Security Policy saw no violation,
nothing was injected (no handler attribute, script, frame, object, stray svg or image, bad
link), and that the curated text reads as typed.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import CSP_LISTENER
from tests.xss_corpus import (
    HOSTILE_VALID_URL,
    PAYLOADS,
    import_corpus,
    imported_headline,
    labelled,
    pair_names,
    store_corpus,
)
from timeline.interchange.sanitize import plain_text
from timeline.models import Event

pytestmark = pytest.mark.browser

# Everything on the page that could run or that a payload could have injected.
INJECTED = """
(root) => {
  const scope = root ? document.querySelector(root) : document;
  const problems = [];
  const bad = /^(javascript|vbscript|data:text\\/html|data:text\\/javascript|data:image\\/svg)/;
  for (const el of scope.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f\\u200b-\\u200d\\ufeff]/g, "").toLowerCase();
      if (name.startsWith("on")) problems.push(tag + "[" + name + "]");
      if (["href", "xlink:href", "src", "data", "action", "formaction", "poster", "background"].includes(name) && bad.test(value))
        problems.push(tag + "[" + name + "=" + attr.value + "]");
      if (name === "srcdoc") problems.push(tag + "[srcdoc]");
      if (name === "style" && /expression\\(|javascript:/.test(value)) problems.push(tag + "[style=" + attr.value + "]");
    }
    if (tag === "script" && !el.hasAttribute("src") && el.type !== "application/json" && el.id !== "chart-visible-mark") problems.push("inline script");
    if (["iframe", "frame", "object", "embed", "applet", "video", "audio", "math", "noscript"].includes(tag)) problems.push(tag);
    if (tag === "img" && !(el.getAttribute("src") || "").startsWith("/static/")) problems.push("img " + el.getAttribute("src"));
    if (tag === "svg" && el.id !== "js-plotly-tester" && !el.classList.contains("base-svgs") && !el.closest(".js-plotly-plot") && !el.parentElement.closest("svg") && !el.closest("#header, .theme-toggle, label, .chart-legend, .chart-static"))
      problems.push("svg " + el.outerHTML.slice(0, 120) + " in " + (el.parentElement.className || el.parentElement.tagName));
    if (tag === "base" && el.hasAttribute("href")) problems.push("base[href]");
    if (tag === "meta" && (el.httpEquiv || "").toLowerCase() === "refresh") problems.push("meta refresh");
    if (tag === "input" && el.autofocus) problems.push("input[autofocus]");
    if (tag === "details" && !el.querySelector(":scope > summary")) problems.push("details without a summary");
  }
  return problems;
}
"""


# The embed dialog's code, parsed as the page it is pasted into would parse it (DOMParser
# runs no script): its elements, the iframe's title and any handler attribute.
EMBED_CODE = """
(which) => {
  const doc = new DOMParser().parseFromString(document.getElementById("embed-code")[which], "text/html");
  const elements = [...doc.head.querySelectorAll("*"), ...doc.body.querySelectorAll("*")];
  return {
    tags: elements.map(e => e.tagName.toLowerCase()),
    title: (doc.querySelector("iframe") || {}).title,
    handlers: elements.flatMap(e => [...e.attributes].map(a => a.name).filter(n => n.startsWith("on"))),
  };
}
"""


def squeeze(text):
    """Text without whitespace: Plotly breaks hover lines into separate text elements."""
    return "".join(text.split())


@pytest.fixture
def corpus(shipped_dataset):
    events = store_corpus()
    import_corpus()
    imported = list(Event.objects.filter(start__year=2019).order_by("start"))
    assert len(imported) == len(events) == len(PAYLOADS)
    return events, imported


@pytest.fixture
def watched(page):
    """Dialogs opened by any page (there must be none): dismissed and recorded."""
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def assert_clean(page, dialogs, root=None):
    assert page.evaluate("typeof window.__xss") == "undefined", page.url
    assert dialogs == [], page.url
    assert page.evaluate("window.__cspViolations || []") == [], page.url
    assert page.evaluate(INJECTED, root) == [], page.url


# The chart -------------------------------------------------------------------------------

HOVER = """
([meta, key]) => {
  const gd = document.getElementById("timeline-chart");
  for (let c = 0; c < gd.data.length; c++) {
    const trace = gd.data[c];
    if (trace.meta !== meta) continue;
    const p = key === null ? 0 : (trace.customdata || []).indexOf(key);
    if (p < 0) continue;
    Plotly.Fx.hover(gd, [{curveNumber: c, pointNumber: p}]);
    return true;
  }
  return false;
}
"""

HOVER_TEXT = (
    "() => (document.querySelector('#timeline-chart .hoverlayer') || {textContent: ''}).textContent"
)
HOVER_SHOWS = """
(want) => {
  const layer = document.querySelector('#timeline-chart .hoverlayer');
  return !!layer && layer.textContent.replace(/\\s/g, '').includes(want);
}
"""

# Mark an event's marker (the svg path Plotly drew for it), for a real mouse hover.
MARK_MARKER = """
(slug) => {
  for (const group of document.querySelectorAll("#timeline-chart .scatterlayer .trace")) {
    const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
    if (!trace || trace.meta !== "events") continue;
    const p = trace.customdata.indexOf(slug);
    if (p < 0) continue;
    group.querySelectorAll("path.point")[p].setAttribute("data-hover-me", slug);
    return true;
  }
  return false;
}
"""


def hover(page, meta, key, expected):
    """Hover a point through Plotly (as the mouse does) and wait for its label to show
    `expected` (compared without whitespace); returns the label's text."""
    page.mouse.move(0, 0)
    assert page.evaluate(HOVER, [meta, key]), (meta, key)
    page.wait_for_function(HOVER_SHOWS, arg=squeeze(expected), timeout=3000)
    assert (
        page.locator("#timeline-chart .hoverlayer a, #timeline-chart .hoverlayer image").count()
        == 0
    )
    return page.evaluate(HOVER_TEXT)


def check_chart(page, dialogs, events, imported):
    chart = page.locator("#timeline-chart")
    # Lanes: the pair's names (with their payloads) label the office lanes, as text.
    ticks = squeeze(" ".join(chart.locator(".yaxislayer-above .ytick text").all_text_contents()))
    names = pair_names()
    assert squeeze(names["FR"]) in ticks and squeeze(names["RU"]) in ticks
    # The dispute lanes carry the disputes' names, as text.
    labels = squeeze(" ".join(chart.locator(".scatterlayer .textpoint text").all_text_contents()))
    for i, payload in enumerate(PAYLOADS):
        assert squeeze(labelled(i, payload)) in labels, labelled(i, payload)
    # The legend: the kinds, nothing curated, nothing clickable but its items.
    legend = page.locator(".chart-legend")
    expect(legend).to_contain_text("Statement")
    assert legend.locator("a").count() == 0

    # Every corpus marker's hover label: title, place, people, dispute, all as text.
    for i, event in enumerate(events):
        text = labelled(i, PAYLOADS[i])
        label = squeeze(hover(page, "events", event.slug, text))
        assert squeeze(f"With: {text} (speaker), {text} (host)") in label
        assert squeeze(f"Dispute: {text}") in label
        assert label.count(squeeze(text)) == 5  # title, place, person, organisation, dispute
    for i, event in enumerate(imported):
        hover(page, "events", event.slug, plain_text(imported_headline(i, PAYLOADS[i])))
    # Dispute bars: name and summary (the raw payload) as text.
    for i in range(0, len(PAYLOADS), 3):
        label = squeeze(hover(page, "dispute", f"xss-{i:02d}", labelled(i, PAYLOADS[i])))
        assert squeeze(PAYLOADS[i]) in label.replace(squeeze(labelled(i, PAYLOADS[i])), "", 1)
    # The office lanes' hover: the offices carry the pair's payloads.
    hover(page, "office", None, names["FR"])
    assert_clean(page, dialogs)

    # A real mouse on a marker shows a label of the same kind.
    page.mouse.move(0, 0)
    assert page.evaluate(MARK_MARKER, events[len(events) // 2].slug)
    page.locator("[data-hover-me]").hover(force=True)
    # The corpus markers stand close together: the label is the marker's or a neighbour's.
    page.wait_for_function(HOVER_SHOWS, arg="Clickfordetails", timeout=3000)
    label = squeeze(page.evaluate(HOVER_TEXT))
    assert any(label.count(squeeze(labelled(i, p))) == 5 for i, p in enumerate(PAYLOADS)), label
    assert page.locator("#timeline-chart .hoverlayer a").count() == 0
    assert_clean(page, dialogs)


def test_the_dashboard_its_panel_and_the_embed_page_show_the_corpus_as_text(
    open_page, corpus, watched
):
    events, imported = corpus
    page = open_page("/")
    assert_clean(page, watched)
    names = pair_names()
    expect(page.locator("h1")).to_have_text(
        f"{names['FR']} – {names['RU']}: relations, event by event"
    )
    assert page.title().startswith(f"{names['FR']} – {names['RU']}")

    # The list, 50 events a page: every title as the link's text.
    titles, number = set(), 1
    while True:
        page = open_page(f"/?page={number}")
        assert_clean(page, watched)
        titles |= set(page.locator("ol.events a.event-link").all_inner_texts())
        if not page.locator("a[rel=next]").count():
            break
        number += 1
    assert number > 1  # the corpus takes more than one page
    page = open_page("/")
    for i, payload in enumerate(PAYLOADS):
        assert labelled(i, payload) in titles
        assert plain_text(imported_headline(i, payload)) in titles

    check_chart(page, watched, events, imported)

    # The embed code a newsroom copies: the pair's names stay inside the iframe's title,
    # in the code as served and as the dialog's script fills in its size.
    served = page.evaluate(EMBED_CODE, "defaultValue")
    page.keyboard.press("Escape")  # the detail panel lies over the page's right side
    page.get_by_role("button", name="Embed this view").click()
    built = page.evaluate(EMBED_CODE, "value")
    title = f"{names['FR']} – {names['RU']}: diplomatic relations timeline"
    assert served == {"tags": ["iframe", "script"], "title": title, "handlers": []}
    assert built == {"tags": ["iframe", "script"], "title": title, "handlers": []}
    page.keyboard.press("Escape")

    # The htmx detail panel, opened from the list (of the corpus only: one page).
    page = open_page("/?q=%5Bx")
    panel = page.locator("#event-detail")
    for i in range(0, len(PAYLOADS), 5):
        event = events[i]
        page.get_by_role("link", name=event.title, exact=True).click()
        expect(panel.locator("h2")).to_have_text(event.title)
        expect(panel.locator(".quote blockquote")).to_have_text(PAYLOADS[i])
        expect(panel.locator("ol.sources .source-quote")).to_have_text(PAYLOADS[i])
        expect(panel.locator("ol.sources li > a").first).to_have_text(PAYLOADS[i])
        assert_clean(page, watched)
    # The reader stayed on this view; the address names the event open in the panel.
    view, opened = page.url.split("&event=")
    assert view.endswith("/?q=%5Bx") and opened == event.slug

    # The embed page (one test with the dashboard: the corpus is stored once for both).
    page = open_page("/embed/")
    assert_clean(page, watched)
    names = pair_names()
    expect(page.locator("h1.embed-title a")).to_have_text(f"{names['FR']} – {names['RU']}")
    check_chart(page, watched, events[:10], imported[:3])
    page = open_page("/embed/?q=%5Bx")
    page.locator("details.embed-list summary").click()
    for i, payload in enumerate(PAYLOADS):
        expect(page.get_by_role("link", name=labelled(i, payload), exact=True)).to_have_count(1)
    page.get_by_role("link", name=events[3].title, exact=True).click()
    expect(page.locator("#event-detail h2")).to_have_text(events[3].title)
    assert_clean(page, watched)

    # A filtered embed names its dispute and tag in its title and heading.
    tag = events[8].tags.get()
    page = open_page(f"/embed/?dispute=xss-08&tag={tag.slug}")
    text = labelled(8, PAYLOADS[8])
    expect(page.locator("h1.embed-title .intro-sub")).to_have_text(f": {text} · {text}")
    assert text in page.title()
    assert_clean(page, watched)


def test_every_event_page_shows_the_corpus_as_text(open_page, corpus, watched):
    events, imported = corpus
    for i, event in enumerate(events):
        payload, text = PAYLOADS[i], labelled(i, PAYLOADS[i])
        page = open_page(event.get_absolute_url(), chart=False)
        assert page.title() == f"{text} ({event.date_display})"
        expect(page.locator("h1")).to_have_text(text)
        expect(page.locator(".quote blockquote")).to_have_text(payload)
        expect(page.locator(".quote figcaption")).to_have_text(f"— {text}")
        # Place, person, organisation, dispute and tag: the same labelled payload, as text.
        assert page.locator("dl.facts").inner_text().count(text) == 5
        source = page.locator("ol.sources li > a").first
        expect(source).to_have_text(payload)
        assert source.get_attribute("href") == (
            HOSTILE_VALID_URL if i % 2 else f"https://example.org/report/{i}"
        )
        assert page.locator("a.archived").get_attribute("href") == HOSTILE_VALID_URL
        expect(page.locator(".source-meta")).to_have_text(text)
        expect(page.locator(".source-quote")).to_have_text(payload)
        assert_clean(page, watched)
    for event in imported[::8]:
        page = open_page(event.get_absolute_url(), chart=False)
        expect(page.locator("h1")).to_have_text(event.title)
        assert_clean(page, watched)


def test_the_admin_shows_the_corpus_as_text_and_saves_it_from_the_form(
    page, live_server, corpus, watched
):
    events, _imported = corpus
    user = get_user_model().objects.create_superuser("sam", password="a-long-test-password")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(CSP_LISTENER)
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))

    def visit(path):
        page.goto(live_server.url + path)
        assert_clean(page, watched)

    visit(reverse("admin:timeline_event_changelist") + "?start__year=2018")
    rows = page.locator("#result_list th.field-title a").all_inner_texts()
    assert {labelled(i, p) for i, p in enumerate(PAYLOADS)} <= set(rows)
    for name in (
        "country",
        "place",
        "person",
        "organization",
        "tag",
        "dispute",
        "source",
        "officeterm",
    ):
        visit(reverse(f"admin:timeline_{name}_changelist") + "?all=")
        expect(page.locator("#result_list")).to_contain_text(labelled(9, PAYLOADS[9]))

    # The change form: the fields hold the payloads as values, the inlines and the
    # autocomplete widgets show them as text.
    event = events[5]
    text = labelled(5, PAYLOADS[5])
    visit(reverse("admin:timeline_event_change", args=[event.pk]))
    expect(page.locator("#id_title_en")).to_have_value(text)
    expect(page.locator("#id_summary_en")).to_have_value(PAYLOADS[5])
    expect(page.locator("#id_sources-0-title")).to_have_value(PAYLOADS[5])
    expect(page.locator("#id_sources-0-url")).to_have_value(
        HOSTILE_VALID_URL
    )  # the value, whole, not broken out
    expect(page.locator(".field-place .select2-selection__rendered")).to_contain_text(text)
    expect(page.locator(".field-tags .select2-selection__rendered")).to_contain_text(text)
    expect(page.locator(".field-disputes .select2-selection__rendered")).to_contain_text(text)

    # The autocomplete's answers (JSON, drawn by select2) show as text too.
    page.locator(".field-tags .select2-search__field").fill("[x1")
    options = page.locator(".select2-results__option")
    expect(options.first).to_contain_text("[x1")
    shown = set(options.all_inner_texts())
    assert labelled(11, PAYLOADS[11]) in shown and labelled(19, PAYLOADS[19]) in shown
    assert_clean(page, watched)
    page.keyboard.press("Escape")

    # Saved from the browser: a new title, summary and source with payloads of their own.
    new_title = f"{labelled(0, PAYLOADS[0])} {labelled(6, PAYLOADS[6])}"
    page.locator("#id_title_en").fill(new_title)
    page.locator("#id_summary_en").fill(PAYLOADS[24])
    page.locator("#id_sources-0-publisher").fill(labelled(16, PAYLOADS[16]))
    page.locator("#id_sources-0-url").fill(HOSTILE_VALID_URL)
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_contain_text(new_title)
    assert_clean(page, watched)
    event.refresh_from_db()
    assert (event.title, event.summary) == (new_title, PAYLOADS[24])
    source = event.sources.get()
    assert (source.publisher, source.url) == (labelled(16, PAYLOADS[16]), HOSTILE_VALID_URL)

    # A javascript: address is refused by the form, in the browser too.
    page.locator("#id_sources-0-url").fill("javascript:window.__xss=1")
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".errornote")).to_be_visible()
    assert_clean(page, watched)
    assert event.sources.get().url == HOSTILE_VALID_URL

    # The history: both versions, their titles as text.
    visit(reverse("admin:timeline_event_history", args=[event.pk]))
    expect(page.locator("#change-history")).to_contain_text(new_title)
    history = page.locator("#change-history a").first
    history.click()
    page.wait_for_load_state()
    assert_clean(page, watched)

    # The public page of the event, as saved from the admin.
    visit(event.get_absolute_url())
    expect(page.locator("h1")).to_have_text(new_title)
    expect(page.locator(".source-meta")).to_have_text(labelled(16, PAYLOADS[16]))
    assert errors == []


def test_the_injection_probe_sees_what_a_payload_would_inject(page):
    """The probe the tests above rely on is not blind: on a page without any defence, each
    payload that injects markup is seen."""
    injecting = [
        p
        for p in PAYLOADS
        if "<" in p and "＜" not in p and "\u200b" not in p and not p.startswith("&lt;")
    ]
    page.set_content("<main id='main'>" + "".join(f"<div>{p}</div>" for p in injecting) + "</main>")
    problems = page.evaluate(INJECTED, None)
    for kind in (
        "img[onerror]",
        "svg[onload]",
        "inline script",
        "iframe[srcdoc]",
        "object",
        "base[href]",
        "meta refresh",
        "input[autofocus]",
        "details without a summary",
        "b[onmouseover]",
    ):
        assert any(problem.startswith(kind) for problem in problems), (kind, problems)
    assert any(
        problem.startswith("a[href=") and "javascript" in problem.lower() for problem in problems
    )
    assert any("expression(" in problem for problem in problems)
