"""The French timeline in a real browser: plotly.js writes the axis in French, the language
switcher follows htmx swaps, and the embed code of a French page embeds the French timeline."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Month abbreviations plotly.js writes on a date axis: only French, only English.
FRENCH_ONLY = {"Fév", "Avr", "Mai", "Aoû", "Déc"}
ENGLISH_ONLY = {"Feb", "Apr", "May", "Aug", "Dec"}
# Ten months: plotly.js puts a tick on every month or two, with the month's name.
MONTHS_VIEW = "?from=2016-09-01&to=2017-06-30"


def x_ticks(page):
    return page.locator("#timeline-chart .xaxislayer-above .xtick text").all_text_contents()


def month_words(ticks):
    return {word for tick in ticks for word in re.findall(r"[^\W\d]+", tick)}


def test_the_french_axis_range_buttons_and_lanes_are_french(open_page):
    page = open_page("/fr/" + MONTHS_VIEW)
    words = month_words(x_ticks(page))
    assert words & FRENCH_ONLY, words
    assert not words & ENGLISH_ONLY, words
    buttons = page.locator(".range-buttons button[data-range]").all_text_contents()
    assert buttons == ["1 an", "5 ans", "Tout"]
    assert (
        page.locator(".range-buttons button[data-zoom=in]").get_attribute("aria-label") == "Zoomer"
    )
    lanes = page.locator("#timeline-chart .yaxislayer-above .ytick text").all_text_contents()
    assert lanes[:3] == ["France", "Russie", "Différends"]
    assert "Température des relations" in " ".join(
        page.locator("#timeline-chart .annotation").all_text_contents()
    )
    page.screenshot(path=ARTIFACTS / "dashboard-fr-desktop.png", full_page=True)


def test_the_english_axis_stays_english(open_page):
    page = open_page("/" + MONTHS_VIEW)
    words = month_words(x_ticks(page))
    assert words & ENGLISH_ONLY, words
    assert not words & FRENCH_ONLY, words


def test_the_switcher_follows_an_htmx_filter_change(open_page):
    page = open_page("/fr/")
    page.evaluate("window.__sentinel = 'still here'")
    page.get_by_label("Déclaration", exact=True).check()
    page.wait_for_url(re.compile(r"/fr/\?pair=FR-RU&kind=statement$"))
    assert page.evaluate("window.__sentinel") == "still here"  # swapped, not reloaded
    english = page.locator("#language-switch a[hreflang=en]")
    expect(english).to_have_attribute("href", "/?pair=FR-RU&kind=statement")
    # Back and forward in history bring the switcher of that view along.
    page.go_back()
    page.wait_for_url(re.compile(r"/fr/$"))
    expect(english).to_have_attribute("href", "/")
    page.go_forward()
    page.wait_for_url(re.compile(r"kind=statement$"))
    expect(english).to_have_attribute("href", "/?pair=FR-RU&kind=statement")
    english.click()
    page.wait_for_url(re.compile(r"/\?pair=FR-RU&kind=statement$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Statement", exact=True)).to_be_checked()
    expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached()


def test_the_embed_code_of_the_french_page_embeds_the_french_timeline(open_page, live_server):
    page = open_page("/fr/?dispute=syria")
    page.get_by_role("button", name="Intégrer cette vue").click()
    code = page.locator("#embed-code").input_value()
    src = re.search(r'src="([^"]+)"', code).group(1).replace("&amp;", "&")
    assert src == live_server.url + "/fr/embed/?dispute=syria"
    assert "chronologie des relations diplomatiques" in code
    page.get_by_role("button", name="Copier le code").click()
    expect(page.locator(".embed-copied")).to_have_text(
        re.compile(r"^(Copié\.|Appuyez sur Ctrl\+C)")
    )
    page.get_by_role("button", name="Fermer").click()

    # The embedded page itself: French words, French axis.
    page = open_page(src.removeprefix(live_server.url) + "&from=2016-09-01&to=2017-06-30")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".embed-credit")).to_contain_text("Ouvrir la chronologie complète")
    words = month_words(x_ticks(page))
    assert words & FRENCH_ONLY and not words & ENGLISH_ONLY, words
    page.screenshot(path=ARTIFACTS / "embed-fr-desktop.png", full_page=True)


def test_on_a_phone_the_range_buttons_are_french_and_fit(open_page, page):
    page.set_viewport_size({"width": 375, "height": 812})
    page = open_page("/fr/")
    buttons = page.locator(".range-buttons button[data-range]")
    assert buttons.all_text_contents() == ["1 an", "5 ans", "Tout"]
    assert all(box["x"] + box["width"] <= 375 for box in (b.bounding_box() for b in buttons.all()))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "dashboard-fr-phone-375.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "dashboard-fr-phone-375-first-screen.png")
    page = open_page("/fr/embed/?dispute=syria")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "embed-fr-phone-375.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "embed-fr-phone-375-first-screen.png")


@pytest.mark.parametrize("path", ["/fr/", "/fr/events/2017-05-29-versailles-meeting/"])
def test_axe_finds_no_violations_in_french(open_page, path):
    page = open_page(path, chart=path == "/fr/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# Some of the month abbreviations plotly.js's Russian locale writes on a date axis.
RUSSIAN_MONTHS = {"Февр", "Март", "Апр", "Май", "Июнь", "Сент", "Окт", "Ноя", "Дек"}


def test_the_russian_axis_buttons_and_lanes_are_russian(open_page):
    page = open_page("/ru/" + MONTHS_VIEW)
    words = month_words(x_ticks(page))
    assert words & RUSSIAN_MONTHS, words
    assert all(re.fullmatch("[А-Яа-яЁё]+", word) for word in words), words
    lanes = page.locator("#timeline-chart .yaxislayer-above .ytick text").all_text_contents()
    assert lanes[:2] == ["Франция", "Россия"]
    buttons = page.locator(".range-buttons button[data-range]").all_text_contents()
    assert not any(re.search("[A-Za-z]", b) for b in buttons), buttons
    page.screenshot(path=ARTIFACTS / "dashboard-ru-desktop.png", full_page=True)


@pytest.mark.parametrize(
    "path", ["/ru/", "/ru/events/2017-05-29-versailles-meeting/", "/ru/embed/?dispute=syria"]
)
def test_axe_finds_no_violations_in_russian(open_page, path):
    page = open_page(path, chart=path != "/ru/events/2017-05-29-versailles-meeting/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
