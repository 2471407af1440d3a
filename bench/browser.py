"""Browser timings: Debian's Chromium driven by Playwright, one browser for the whole run.

A visit is a navigation to a page; it yields
- fcp_ms: the first-contentful-paint entry (performance.getEntriesByType("paint")),
- ready_ms: "drawn", the next frame after the page's own event (ms since navigation start):
  performance.now() in a requestAnimationFrame callback scheduled when the event fires.
  The competitors' and the floor's pages do that themselves (competitors.py); for the app
  the event is `data-drawn="true"` on #timeline-chart (seen by a MutationObserver injected
  before the page's scripts run) or its "timeline:chart-ready" performance mark, whichever
  is seen first (chart.js sets both once Plotly.react has resolved): "interactive",
- for the app also visible_ms: its "timeline:chart-visible" performance mark (set by the
  page in a requestAnimationFrame once its static chart is on screen), or the FCP when the
  page sets no such mark (visible_from says which), and ready_mark_ms, the chart-ready
  mark's own time,
- bytes: what crossed the wire per resource type (CDP Network.loadingFinished
  encodedDataLength: compressed size plus headers; 0 for what the HTTP cache served).
"cold" is the first visit in a new browser context (empty cache); "repeat" is a second
navigation to the same URL in the same context (HTTP cache warm). A visit that is not
drawn within the timeout is recorded as a timeout, and the system's remaining visits at
that size are skipped. Playwright cannot time out a page whose main thread is stuck in a
script (TimelineJS with 100,000 events): a watchdog then kills that page's renderer.
"""

import os
import signal
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# tests/conftest.py's flags: Debian's chromium as root, on a closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
# Injected before any page script. Timings leave the page as console messages, which
# reach us even while the page's main thread is stuck in a script (page.evaluate would
# wait for it): the ready time (window.__benchReady, which the competitors' pages set, and
# APP_READY_OBSERVER for the app), the first contentful paint, and the app's marks.
REPORTER = """
(function () {
  var ready;
  Object.defineProperty(window, "__benchReady", {
    get: function () { return ready; },
    set: function (value) { if (ready == null) { ready = value; console.log("bench:ready " + value); } }
  });
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      if (e.name === "first-contentful-paint") console.log("bench:fcp " + e.startTime);
      if (e.name === "timeline:chart-ready") console.log("bench:mark " + e.startTime);
      if (e.name === "timeline:chart-visible") console.log("bench:visible " + e.startTime);
    });
  }).observe({entryTypes: ["paint", "mark"]});
})();
"""
# The app's "drawn" (interactive): the frame after data-drawn="true" or the chart-ready
# mark, whichever is seen first (chart.js sets the attribute, then the mark, in the
# same task; the mutation observer hears it at once, the performance observer later).
APP_READY_OBSERVER = """
(function () {
  var scheduled = false;
  function nextFrame() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () { window.__benchReady = performance.now(); });
  }
  new MutationObserver(function () {
    var chart = document.getElementById("timeline-chart");
    if (chart && chart.getAttribute("data-drawn") === "true") nextFrame();
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-drawn"]});
  new PerformanceObserver(function (list) {
    if (list.getEntries().some(function (e) { return e.name === "timeline:chart-ready"; })) nextFrame();
  }).observe({entryTypes: ["mark"]});
})();
"""
CHART_WIDTH = """() => {
  var chart = document.getElementById("timeline-chart");
  return chart ? chart.getBoundingClientRect().width : null;
}"""
# Zoom: one month around the median mark, then wait until the chart holds event markers
# inside that month and has said `data-drawn` again (the app fetching detail for the zoom).
# When the app drew every event already (layout.meta.detail_on_zoom false), the relayout
# alone shows them. The traces' names come from layout.meta.trace_names when the app gives
# them (timeline/chart_style.Trace), else the literals; "events-cancelled" is the older
# figure's separate trace of cancelled events. Playwright polls ZOOM_DONE in
# requestAnimationFrame callbacks: done_ms is a frame's time.
TRACE_NAMES = """
  function zoomTraceNames(gd) {
    var names = (gd.layout && gd.layout.meta && gd.layout.meta.trace_names) || {};
    return {events: [names.events || "events", "events-cancelled"], binned: names.binned || "events-binned"};
  }
"""
ZOOM_START = (
    """async () => {"""
    + TRACE_NAMES
    + """
  var gd = document.getElementById("timeline-chart");
  var names = zoomTraceNames(gd);
  var xs = [];
  gd.data.forEach(function (t) {
    if (names.events.includes(t.meta) || t.meta === names.binned) xs.push.apply(xs, t.x);
  });
  xs.sort();
  var mid = new Date(xs[Math.floor(xs.length / 2)] || "2012-06-15");
  var a = new Date(Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth(), 1));
  var b = new Date(Date.UTC(mid.getUTCFullYear(), mid.getUTCMonth() + 1, 1));
  window.__zoom = {a: a.toISOString().slice(0, 10), b: b.toISOString().slice(0, 10)};
  if (gd.layout.meta && gd.layout.meta.detail_on_zoom) gd.removeAttribute("data-drawn");
  window.__zoom.t0 = performance.now();
  await Plotly.relayout(gd, {"xaxis.range": [window.__zoom.a, window.__zoom.b]});
  window.__zoom.relayout_ms = performance.now() - window.__zoom.t0;
  return window.__zoom;
}"""
)
ZOOM_DONE = (
    """() => {"""
    + TRACE_NAMES
    + """
  var gd = document.getElementById("timeline-chart"), z = window.__zoom;
  if (gd.getAttribute("data-drawn") !== "true") return false;
  var names = zoomTraceNames(gd);
  var lo = Date.parse(z.a), hi = Date.parse(z.b);
  var inside = gd.data.some(function (t) {
    return names.events.includes(t.meta) &&
      (t.x || []).some(function (x) { var v = Date.parse(x); return v >= lo && v < hi; });
  });
  if (inside && z.done_ms == null) z.done_ms = performance.now() - z.t0;
  return inside;
}"""
)
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


class Browser:
    def __init__(self):
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        self.version = self.browser.version

    def close(self):
        self.browser.close()
        self.playwright.stop()

    def visits(self, url, runs, timeout_s, app=False):
        """`runs` × (cold, repeat) visits of url; medians and the raw visits."""
        visits = {"cold": [], "repeat": []}
        bytes_ = {}
        external = set()
        chart_width = None  # the app's #timeline-chart, for the floor's page
        for _ in range(runs):
            context = self.browser.new_context(viewport=VIEWPORT)
            try:
                page = context.new_page()
                page.on(
                    "request",
                    lambda r: (
                        external.add(r.url)
                        if urlsplit(r.url).hostname not in LOOPBACK and r.url.startswith("http")
                        else None
                    ),
                )
                page.add_init_script(REPORTER)
                if app:
                    page.add_init_script(APP_READY_OBSERVER)
                network = Network(context, page)
                for kind in ("cold", "repeat"):
                    network.reset()
                    visit = self.visit(page, url, timeout_s, app=app)
                    visit["bytes"] = network.totals()
                    if app and not visit["timeout"] and chart_width is None:
                        chart_width = page.evaluate(CHART_WIDTH)
                    visits[kind].append(visit)
                    bytes_.setdefault(kind, visit["bytes"])
                    if visit["timeout"]:
                        return summarise(
                            visits,
                            bytes_,
                            external,
                            timed_out=True,
                            app=app,
                            chart_width=chart_width,
                        )
            finally:
                context.close()
        return summarise(
            visits, bytes_, external, timed_out=False, app=app, chart_width=chart_width
        )

    def visit(self, page, url, timeout_s, app=False):
        timings = {}
        listener = lambda message: record(timings, message.text)  # noqa: E731
        page.on("console", listener)
        watchdog = threading.Timer(timeout_s + 10, kill_page_renderers)
        watchdog.start()
        deadline = time.monotonic() + timeout_s
        try:
            page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
            while "ready" not in timings and time.monotonic() < deadline:
                page.wait_for_timeout(50)  # lets Playwright deliver the console events
            # The paint entry and the app's marks may reach us a little after the chart.
            settle = time.monotonic() + 2
            while (
                "fcp" not in timings
                or (app and ("visible" not in timings or "mark" not in timings))
            ) and time.monotonic() < min(settle, deadline + 2):
                page.wait_for_timeout(50)
        except PlaywrightError as error:
            if "Timeout" not in str(error) and not watchdog.finished.is_set():
                raise
        finally:
            watchdog.cancel()
            page.remove_listener("console", listener)
        ready = timings.get("ready")
        visit = {"timeout": ready is None, "fcp_ms": timings.get("fcp"), "ready_ms": ready}
        if app:
            visible = timings.get("visible", timings.get("fcp"))
            visit.update(
                visible_ms=visible,
                ready_mark_ms=timings.get("mark"),
                visible_from="mark"
                if "visible" in timings
                else ("fcp" if visible is not None else None),
            )
        return visit

    def zoom(self, url, timeout_s, wait_s=10):
        """Time from Plotly.relayout to one month to that month's events drawn by the app."""
        context = self.browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            page.add_init_script(REPORTER)
            page.add_init_script(APP_READY_OBSERVER)
            if self.visit(page, url, timeout_s, app=True)["timeout"]:
                return {"status": "timeout", "timeout_s": timeout_s}
            window = page.evaluate(ZOOM_START)
            try:
                page.wait_for_function(ZOOM_DONE, timeout=wait_s * 1000)
            except PlaywrightError as error:
                if "Timeout" not in str(error):
                    raise
                # data-drawn never came back: the app does not fetch detail on zoom (yet).
                return {
                    "status": "not supported yet",
                    "window": [window["a"], window["b"]],
                    "relayout_ms": window["relayout_ms"],
                    "wait_s": wait_s,
                }
            done = page.evaluate("() => window.__zoom")
            # zoom_ms: Plotly.relayout called → the window's events drawn (a frame);
            # relayout_ms: until relayout's promise resolved; after_relayout_ms: the rest
            # (the app fetching and drawing the window's detail, or one frame).
            return {
                "status": "ok",
                "window": [done["a"], done["b"]],
                "zoom_ms": done["done_ms"],
                "relayout_ms": done["relayout_ms"],
                "after_relayout_ms": max(0.0, done["done_ms"] - done["relayout_ms"]),
            }
        finally:
            context.close()


def descendants(pid):
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in children] + [d for c in children for d in descendants(int(c))]


def kill_page_renderers():
    """SIGKILL the page renderers of our own Chromium (descendants of this process; not
    the browser's internal UI renderer): between two visits the only page open is the
    one being measured."""
    for pid in descendants(os.getpid()):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"--type=renderer" in args and b"--top-chrome-webui" not in args:
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def record(timings, text):
    if text.startswith("bench:"):
        name, value = text[len("bench:") :].split()
        timings.setdefault(name, float(value))


class Network:
    """Bytes received per resource type, from the DevTools protocol's Network domain."""

    def __init__(self, context, page):
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.on("Network.responseReceived", self.on_response)
        self.session.on("Network.loadingFinished", self.on_finished)
        self.reset()

    def reset(self):
        self.types, self.sizes = {}, {}

    def on_response(self, event):
        self.types[event["requestId"]] = event["type"]

    def on_finished(self, event):
        self.sizes[event["requestId"]] = event["encodedDataLength"]

    def totals(self):
        totals = {}
        for request, size in self.sizes.items():
            kind = self.types.get(request, "Other")
            totals[kind] = totals.get(kind, 0) + int(size)
        return totals


def median_of(visits, key):
    values = [v[key] for v in visits if v.get(key) is not None]
    return statistics.median(values) if values else None


def summary(visits, app):
    out = {
        "fcp_ms": median_of(visits, "fcp_ms"),
        "ready_ms": median_of(visits, "ready_ms"),
        "runs": len([v for v in visits if not v["timeout"]]),
    }
    if app:
        sources = sorted({v["visible_from"] for v in visits if v.get("visible_from")})
        out.update(
            visible_ms=median_of(visits, "visible_ms"),
            ready_mark_ms=median_of(visits, "ready_mark_ms"),
            visible_from="/".join(sources) or None,
        )
    return out


def summarise(visits, bytes_, external, timed_out, app=False, chart_width=None):
    result = {
        "timeout": timed_out,
        "cold": summary(visits["cold"], app),
        "repeat": summary(visits["repeat"], app),
        "bytes": bytes_,
        "external_requests": sorted(external),
        "visits": visits,
    }
    if chart_width is not None:
        result["chart_width_px"] = chart_width
    return result
