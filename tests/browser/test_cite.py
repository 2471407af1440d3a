"""The Cite dialog: the view's citation from the dashboard, an event's from its panel and
its page, copied as text; the downloads are the API's files."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from timeline.models import Event


def test_the_dashboard_cites_its_view_and_copies_it(open_page, page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = open_page("/?dispute=syria")
    page.get_by_role("button", name="Cite this view").click()
    dialog = page.locator("#cite-dialog")
    expect(dialog).to_be_visible()
    chicago = dialog.locator("#cite-chicago-author-date-text")
    expect(chicago).to_contain_text("Syria and Aleppo")
    expect(chicago).to_contain_text("/?pair=FR-RU&dispute=syria")
    expect(chicago).to_contain_text("Accessed")
    dialog.get_by_role("button", name="Copy (APA)").click()
    expect(dialog.locator("[role=status]").nth(1)).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Diplomatic relations timeline. (n.d.).")
    links = dialog.locator(".citation-downloads a")
    assert [links.nth(i).inner_text() for i in range(3)] == ["CSL-JSON", "BibTeX", "RIS"]
    with page.expect_download() as info:
        links.nth(1).click()
    assert info.value.suggested_filename == "timeline-fr-ru.bib"
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_an_event_is_cited_from_its_panel_and_its_page(open_page, live_server):
    versailles = Event.objects.get(title="Macron hosts Putin at Versailles")
    page = open_page("/")
    page.get_by_role("link", name=versailles.title).click()
    page.locator("#event-detail").get_by_role("button", name="Cite this event").click()
    dialog = page.locator("#cite-dialog")
    expect(dialog.locator("#cite-apa-text")).to_contain_text(versailles.title)
    expect(dialog.locator("#cite-apa-text .citation-sources li")).to_have_count(
        versailles.sources.count()
    )
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    page.goto(live_server.url + "/fr" + versailles.get_absolute_url())
    page.get_by_role("button", name="Citer cet événement").click()
    expect(page.locator("#cite-chicago-author-date-text")).to_contain_text(
        re.compile("Consulté le")
    )
