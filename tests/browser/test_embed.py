"""The embed page inside a cross-origin iframe, as a newsroom's article would hold it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from timeline import selectors
from timeline.embed import embed_code
from timeline.models import Dispute

pytestmark = pytest.mark.browser

MARKERS = "#timeline-chart .subplot.xy .scatterlayer .trace path.point"

ARTICLE = """<!doctype html><html><head><meta charset="utf-8"><title>Article</title></head>
<body style="margin:0;font-family:serif">
<h1>Rights activists in Paris protest Putin visit</h1>
<iframe id="tl" src="{src}" width="800" height="300" style="border:0;width:100%" title="Timeline"></iframe>
<p id="after">More article text.</p>
<script>
  window.heights = [];
  window.addEventListener("message", function (event) {{
    var frame = document.getElementById("tl");
    if (event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === "diplomacy-timeline:height") {{
      window.heights.push(event.data.height);
      frame.style.height = event.data.height + "px";
    }}
  }});
</script>
</body></html>"""


@pytest.fixture
def host_server():
    """Another origin on loopback, serving the article that holds the iframe.

    Chromium's local-network checks refuse a public origin framing a loopback one, so the
    host must be a real loopback server too; 127.0.0.1 is another origin than the live
    server's localhost."""
    pages = {}

    class Article(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()


@pytest.fixture
def article(page, live_server, shipped_dataset, host_server):
    """Open an article on another origin holding an iframe of `path` on the live server."""
    assert "://localhost:" in live_server.url
    host, pages = host_server
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def open_(path):
        pages["/article.html"] = ARTICLE.format(src=live_server.url + path)
        page.goto(f"{host}/article.html")
        return page

    yield open_
    assert errors == []


def test_the_embed_draws_inside_a_cross_origin_iframe_and_resizes_it(article):
    page = article("/embed/?dispute=syria")
    frame = page.frame_locator("#tl")
    expect(frame.locator("#timeline-chart[data-drawn]")).to_be_attached(timeout=15_000)
    syria = selectors.published_events(
        {"pair": "FR-RU", "dispute": Dispute.objects.get(slug="syria")}
    )
    expect(frame.locator(MARKERS)).to_have_count(len(syria))
    expect(frame.locator("#event-count")).to_have_text(f"{len(syria)} events")
    expect(frame.locator(".credit")).to_contain_text("sources from")

    # The host page's few lines size the iframe to what the embed reports.
    page.wait_for_function("window.heights.length > 0")
    reported = page.evaluate("window.heights[window.heights.length - 1]")
    assert reported > 500
    box = page.locator("#tl").bounding_box()
    assert abs(box["height"] - reported) <= 1

    # Opening the list makes the embed taller, and the iframe follows.
    frame.locator(".embed-list > summary").click()
    page.wait_for_function(f"window.heights[window.heights.length - 1] > {reported}")

    # It needs no cookie and sets none, so blocked third-party cookies cannot break it.
    assert page.context.cookies() == []


def test_the_embed_code_as_given_sizes_its_iframe(page, live_server, shipped_dataset, host_server):
    """The code the dialog and oEmbed give, pasted as it is into an article on another origin."""
    host, pages = host_server
    code = embed_code(f"{live_server.url}/embed/?dispute=syria", "Timeline", 800, 300)
    pages["/pasted.html"] = f"<!doctype html><meta charset=utf-8><h1>Article</h1>{code}<p>After</p>"
    page.goto(f"{host}/pasted.html")
    frame = page.frame_locator("iframe")
    expect(frame.locator("#timeline-chart[data-drawn]")).to_be_attached(timeout=15_000)
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 500")
    inside = frame.locator("#main").evaluate(
        "main => Math.ceil(main.getBoundingClientRect().bottom + window.scrollY)"
    )
    assert abs(page.locator("iframe").bounding_box()["height"] - inside) <= 1


def test_clicking_an_event_inside_the_embed_shows_its_details_there(article):
    page = article("/embed/?dispute=syria")
    frame = page.frame_locator("#tl")
    expect(frame.locator("#timeline-chart[data-drawn]")).to_be_attached(timeout=15_000)
    frame.locator(".embed-list > summary").click()
    frame.get_by_role("link", name="Putin cancels his visit to Paris").click()
    detail = frame.locator("#event-detail")
    expect(detail.locator(".event-title")).to_contain_text("Paris")
    expect(detail).to_contain_text("Cancelled")
    assert len(page.context.pages) == 1  # the details opened in the embed, not a new tab


def test_a_marker_click_inside_the_embed_opens_its_details(article):
    page = article("/embed/?kind=meeting")
    frame = page.frame_locator("#tl")
    expect(frame.locator("#timeline-chart[data-drawn]")).to_be_attached(timeout=15_000)
    frame.locator(MARKERS).last.click(force=True)
    expect(frame.locator("#event-detail .event-title")).to_be_visible()


def test_the_dashboard_refuses_to_be_framed(article, live_server):
    page = article("/?dispute=syria")
    page.wait_for_timeout(1500)
    frame = next(f for f in page.frames if f != page.main_frame)
    # A refused frame shows Chromium's error page, never the dashboard.
    assert frame.locator("#timeline-chart").count() == 0
    assert frame.locator("#filters").count() == 0


@pytest.mark.parametrize("query", ["", "?dispute=syria", "?kind=summit"])
def test_the_oembed_iframe_is_as_tall_as_the_embed_page_at_its_width(
    page, live_server, shipped_dataset, query
):
    """An oEmbed consumer that cannot run the resize script gets the whole page: nothing cut."""
    from urllib.parse import quote

    answer = page.request.get(
        f"{live_server.url}/oembed/?url={quote(live_server.url + '/embed/' + query)}"
    ).json()
    page.set_viewport_size({"width": answer["width"], "height": answer["height"]})
    page.goto(f"{live_server.url}/embed/{query}")
    page.wait_for_selector("#timeline-chart[data-drawn]", state="attached")
    content = page.evaluate(
        "Math.ceil(document.getElementById('main').getBoundingClientRect().bottom)"
    )
    assert content <= answer["height"] < content + 200
