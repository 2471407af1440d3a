"""The Content Security Policy in a real browser (issue 6, item 3): while a reader uses the
dashboard (a filter change, a marker click, the embed dialog) and the embed page, and while a
curator uses the admin (log in, the event list, the change form and its autocomplete widgets,
the history, the export screen), Chromium reports no `securitypolicyviolation` and no script
fails.

The listener is an init script (tests/browser/conftest.py, CSP_LISTENER): it is in place
before any of the page's own scripts run, so it also sees violations during loading.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import CSP_LISTENER
from timeline.models import Event

pytestmark = pytest.mark.browser

MARKERS = "#timeline-chart .subplot.xy .scatterlayer .trace path.point"


def violations(page):
    return page.evaluate("window.__cspViolations")


def test_the_listener_sees_a_violation(open_page):
    """The probe works: an inline script injected into the page is refused and reported."""
    page = open_page("/")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.append(s);
    }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert violations(page)[0].startswith("script-src")
    page.evaluate("window.__cspViolations = []")  # the fixture then checks for none


def test_using_the_dashboard_violates_nothing(open_page):
    page = open_page("/")
    # A filter change (htmx swap, Plotly.react).
    page.get_by_label("Dispute", exact=True).select_option("syria")
    page.wait_for_url("**dispute=syria**")
    expect(page.locator("#timeline-chart[data-drawn]")).to_be_attached()
    # A marker click opens the detail panel.
    page.locator(MARKERS).first.click(force=True)
    expect(page.locator("#event-detail h2")).to_be_visible()
    # The panel lies over the page's right side: Esc closes it. Then the embed dialog.
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Embed this view").click()
    dialog = page.locator("#embed-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("textarea, input").first).to_be_attached()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert violations(page) == []


def test_using_the_embed_page_violates_nothing(open_page):
    page = open_page("/embed/?dispute=syria")
    page.locator(MARKERS).first.click(force=True)
    expect(page.locator("#event-detail h2, .embed-detail h2").first).to_be_visible()
    assert violations(page) == []


def test_an_event_page_violates_nothing(open_page):
    event = Event.objects.published().order_by("start").first()
    page = open_page(event.get_absolute_url(), chart=False)
    expect(page.locator("h1")).to_have_text(event.title)
    assert violations(page) == []


@pytest.fixture
def admin_page(page, live_server, shipped_dataset):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(CSP_LISTENER)
    user = get_user_model().objects.create_superuser("csp-editor", password="a-long-test-password")
    page.goto(live_server.url + reverse("admin:login"))
    assert violations(page) == []
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
    assert violations(page) == []

    def visit(path):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert violations(page) == [], path
        return page

    yield visit
    assert violations(page) == []
    assert errors == []


def test_using_the_admin_violates_nothing(admin_page):
    event = Event.objects.published().filter(tags__isnull=False).first()
    page = admin_page(reverse("admin:timeline_event_changelist"))
    expect(page.locator("#result_list")).to_be_visible()
    # The change list's filters and search.
    page.locator("#searchbar").fill("Putin")
    page.locator("#searchbar").press("Enter")
    page.wait_for_load_state("load")

    page = admin_page(reverse("admin:timeline_event_change", args=[event.pk]))
    # An autocomplete widget (select2, fed by /admin/autocomplete/).
    page.locator(".field-tags .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("s")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    # The date shortcuts and inline rows (admin JavaScript).
    add_row = page.locator(".add-row a").first
    if add_row.count():
        add_row.click()
    assert violations(page) == []

    page = admin_page(reverse("admin:timeline_event_history", args=[event.pk]))
    expect(page.locator("#content")).to_be_visible()

    page = admin_page(reverse("admin:timeline_event_import"))
    expect(page.locator("form")).not_to_have_count(0)

    # The export screen's "Select all" toggle works without its inline handler.
    page = admin_page(reverse("admin:timeline_event_export"))
    toggle = page.locator("input.select-toggle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(toggle).to_be_checked()
    toggle.uncheck()
    expect(fields.first).not_to_be_checked()
    toggle.check()
    expect(fields.first).to_be_checked()
    assert violations(page) == []
