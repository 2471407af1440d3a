"""A reader suggests a correction from the detail panel (htmx, no reload), an editor accepts
it in the admin while correcting the event, and the event page says it was corrected."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from timeline.models import Correction, Event, Suggestion
from timeline.roles import EDITOR

from ..factories import PASSWORD, make_user


def open_versailles_panel(page):
    versailles = Event.objects.get(title="Macron hosts Putin at Versailles")
    page.get_by_role("link", name=versailles.title).click()
    panel = page.locator("#event-detail")
    expect(panel.locator("h2")).to_have_text(versailles.title)
    return versailles, panel


def test_a_reader_suggests_from_the_panel_and_an_editor_corrects(open_page, live_server):
    page = open_page("/")
    versailles, panel = open_versailles_panel(page)
    page.evaluate("window.__sentinel = 1")
    # A long event's panel stays within the window and scrolls (it once ran past the bottom).
    box = panel.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"] + 1
    panel.get_by_role("link", name="Suggest a correction").click()
    form = panel.locator("form.suggest-form")
    expect(form).to_be_visible()
    # The first try lacks the message: the error comes in the swap, nothing is stored.
    form.get_by_role("button", name="Send to the editors").click()
    expect(panel.locator("#id_message_error")).to_be_visible()
    assert not Suggestion.objects.exists()
    panel.get_by_label("What is wrong or missing").fill("The exhibition opened on 24 May.")
    panel.get_by_label("Source").fill("https://example.org/exhibition")
    panel.get_by_role("button", name="Send to the editors").click()
    expect(panel.locator(".suggest-thanks")).to_contain_text("Thank you")
    assert page.evaluate("window.__sentinel") == 1  # no reload
    suggestion = Suggestion.objects.get()
    assert suggestion.event == versailles

    make_user("edna", EDITOR)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "edna")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:timeline_suggestion_change", args=[suggestion.pk]))
    expect(page.locator(".suggestion-facts")).to_contain_text(versailles.title)
    page.get_by_role("link", name=re.compile("Open the event's change form")).click()
    expect(page.locator(".suggestion-at-hand")).to_contain_text("The exhibition opened on 24 May.")
    page.fill("#id_summary_en", versailles.summary + " The exhibition opened on 24 May.")
    page.fill("#id_correction_note", "The exhibition's opening date was added.")
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("marked accepted")
    assert Correction.objects.get().fields == "summary"
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.ACCEPTED

    page.goto(live_server.url + versailles.get_absolute_url())
    expect(page.locator(".corrections-note")).to_contain_text(
        "The exhibition's opening date was added."
    )


def test_axe_finds_no_violations_on_the_form(open_page):
    page = open_page("/")
    _, panel = open_versailles_panel(page)
    panel.get_by_role("link", name="Suggest a correction").click()
    expect(panel.locator("form.suggest-form")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page = open_page(reverse("timeline:suggest"), chart=False)
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.locator("#id_source_url_error")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
