"""Tables for stdout and bench/README.md from one run's results (see run.py).

`python bench/report.py bench/results/bench-….json` writes bench/README.md again from a
run's raw results (after a change to the report, without measuring again).
"""

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ENDPOINTS = ["htmx partial", "dashboard", "/embed/", "/api/events/"]
SYSTEMS = [("app", "/embed/ (Plotly)"), ("timelinejs", "TimelineJS 3"), ("vis", "vis-timeline 8")]

EXPLANATION = """\
# Benchmarks

`make bench` (scripts in this folder; `make bench SIZES="100 1000"` for some sizes,
`make bench QUICK=1` for a short run) measures the app with 100 to 100,000 synthetic events
of the pair XA-XB (`manage.py generate_events`; one SQLite database per size, built once
into `bench/.cache/`), with production settings (DEBUG off, collected static files).
Figures are from one run on one machine: compare them as ratios within the run, not
across machines. They are measured here, never asserted in the test suite.

- **Server** (`server.py`): in-process, Django's test `Client` against the bench database,
  through the whole middleware stack. Per endpoint: the first request after
  `cache.clear()` (cold server cache, after a warm-up on another pair so templates and
  code are loaded), then warm requests until a 10 s budget is spent (at least 3, at most
  30): median and p95, and none when the first request took over a minute (as at 100,000
  events: "—"). Queries per request by `CaptureQueriesContext` (cold / warm).
  The *floor* is the same rows (all the pair's events; the API's first page of 100)
  fetched with `.values()` and serialised with `json.dumps` in the same process;
  ratio = endpoint median / floor median.
- **Browser** (`browser.py`, `competitors.py`): Debian's Chromium through Playwright, one
  browser for the run, viewport 1280×900. *Cold*: first visit in a new browser context
  (empty cache). *Repeat*: second navigation in the same context (HTTP cache warm).
  Median of the runs. Times are `performance.now()` from navigation start.
  - FCP: the `first-contentful-paint` paint entry ("—": none within 2 s of the chart
    being drawn, as when a page's script keeps the main thread busy).
  - Chart drawn, `/embed/`: `data-drawn="true"` set on `#timeline-chart` (after
    `Plotly.react` resolves; the `timeline:chart-ready` performance mark when present).
  - Chart drawn, TimelineJS 3 (`@knight-lab/timelinejs` 3.9.11, data from the app's
    `/api/timelinejs.json`): its `loaded` event has fired and its slides (`.tl-slide`) and
    time markers (`.tl-timemarker`) are in the DOM.
  - Chart drawn, vis-timeline 8 (8.5.4 standalone UMD build + CSS, items
    `{id, content: title, group: kind, start, end}`, one group per kind, `stack: false`):
    the first `changed` event once item elements (`.vis-item`) are in the DOM.
  - The competitors' pages, libraries and data are served by a loopback static server
    (libraries cached far-future like WhiteNoise's, pages and data `no-store`, not
    compressed); nothing is fetched from outside (TimelineJS's default theme asks
    fonts.gstatic.com for its fonts: on this closed network the requests fail at once,
    and the table lists them). A page not drawn within the timeout is reported as
    "> 60 s (timeout)" and its remaining visits at that size are skipped.
  - Zoom: on a drawn `/embed/`, `Plotly.relayout` to the month of the median mark, then
    wait until the figure holds event markers (`meta` `events`/`events-cancelled`) inside
    that month and `data-drawn` is set again: with more than 1,000 events in view the app
    fetches that window from `/chart/` and draws it; with fewer, every event is drawn
    already and the relayout alone shows them. "not supported yet" if that does not
    happen within 10 s.
- **Bytes**: what crossed the wire for `/embed/` (CDP `Network.loadingFinished`
  `encodedDataLength`: compressed bodies plus headers; the browser sends
  `Accept-Encoding: gzip`), first load and repeat load, by type (the app gzips its pages,
  WhiteNoise the static files).
- **Memory**: gunicorn with one worker serves the browser's `/embed/` visits, then the
  dashboard, its htmx partial and `/api/events/`; the worker's peak RSS is `VmHWM` from
  `/proc/<pid>/status` (polled `VmRSS` as a check).
"""


def ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def fmt_ms(value, timeout=None):
    if value is None:
        return f"> {timeout:g} s (timeout)" if timeout else "—"
    return f"{value / 1000:.2f} s" if value >= 10000 else f"{value:,.0f} ms"


def times(ratio):
    return "—" if ratio is None else f"{ratio:.1f}×"


def kb(n):
    return f"{n / 1024:,.1f}"


def table(headers, rows):
    """A Markdown table (also readable on a terminal)."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def server_table(results):
    rows = []
    for size, r in results["sizes"].items():
        for name in ENDPOINTS:
            e = r["server"][name]
            rows.append([f"{int(size):,}", name, ms(e["first_s"]), ms(e["median_s"]), ms(e["p95_s"]),
                         e["warm_requests"], f"{e['queries_first']} / {e['queries_warm'] or '—'}",
                         ms(e["floor_s"]), times(e["ratio_to_floor"]), kb(e["bytes"])])
    return table(["events", "endpoint", "first ms", "median ms", "p95 ms", "warm n", "queries",
                  "floor ms", "÷ floor", "KB"], rows)


def ready(results, size, system, kind):
    """(ms or None, timeout seconds or None) of a system's chart-ready median."""
    r = results["sizes"].get(str(size), {}).get(system)
    if r is None:
        return None, None
    value = r[kind]["ready_ms"]
    return value, (results["settings"]["timeout_s"] if value is None and r["timeout"] else None)


def ratio(results, size, kind, other):
    """app ÷ other for chart ready: (text, value or bound, whether it is an upper bound)."""
    app, app_timeout = ready(results, size, "app", kind)
    theirs, their_timeout = ready(results, size, other, kind)
    if app is not None and theirs is not None:
        return f"{app / theirs:.2f}×", app / theirs
    if app is not None and their_timeout:
        bound = app / (their_timeout * 1000)
        return f"< {bound:.2f}×", bound  # they took longer than the timeout
    if app_timeout and theirs is not None:
        return f"> {app_timeout * 1000 / theirs:.1f}×", float("inf")
    return "—", None


def browser_table(results):
    timeout = results["settings"]["timeout_s"]
    rows = []
    for size, r in results["sizes"].items():
        for system, label in SYSTEMS:
            s = r[system]
            cells = [f"{int(size):,}", label]
            for kind in ("cold", "repeat"):
                t = timeout if s["timeout"] and s[kind]["ready_ms"] is None else None
                cells += [fmt_ms(s[kind]["fcp_ms"]) if s[kind]["fcp_ms"] is not None else "—",
                          fmt_ms(s[kind]["ready_ms"], t)]
            if system == "app":
                cells += ["", ""]
            else:
                cells += [ratio(results, size, "cold", system)[0], ratio(results, size, "repeat", system)[0]]
            rows.append(cells)
    return table(["events", "page", "cold FCP", "cold drawn", "repeat FCP", "repeat drawn",
                  "app ÷ this, cold", "app ÷ this, repeat"], rows)


def zoom_text(zoom):
    if zoom["status"] == "ok":
        return f"{zoom['zoom_ms']:,.0f} ms ({zoom['window'][0]} – {zoom['window'][1]})"
    if zoom["status"] == "timeout":
        return f"page not drawn in {zoom['timeout_s']:g} s"
    return f"not supported yet (relayout alone {zoom['relayout_ms']:,.0f} ms)"


def bytes_table(results):
    rows = []
    for size, r in results["sizes"].items():
        for kind in ("cold", "repeat"):
            b = r["app"]["bytes"].get(kind, {})
            js, css, html = b.get("Script", 0), b.get("Stylesheet", 0), b.get("Document", 0)
            rows.append([f"{int(size):,}", "first load" if kind == "cold" else "repeat load",
                         kb(html), kb(js), kb(css), kb(js + css + html),
                         kb(sum(b.values()) - js - css - html)])
    return table(["events", "/embed/", "HTML KB", "JS KB", "CSS KB", "JS+CSS+HTML KB", "other KB"], rows)


def other_table(results):
    rows = []
    for size, r in results["sizes"].items():
        m = r["memory"]
        external = sorted({urlsplit(u).hostname for s, _ in SYSTEMS for u in r[s]["external_requests"]})
        rows.append([f"{int(size):,}", f"{m['vmhwm_mb']:.0f}", f"{m['max_polled_vmrss_mb']:.0f}",
                     zoom_text(r["zoom"]), ", ".join(external) or "none"])
    return table(["events", "worker peak RSS MB (VmHWM)", "max polled VmRSS MB", "zoom to one month",
                  "requests off loopback"], rows)


def embed_bytes(results, size, kind):
    r = results["sizes"].get(str(size))
    if r is None or kind not in r["app"]["bytes"]:
        return None
    b = r["app"]["bytes"][kind]
    return b.get("Script", 0) + b.get("Stylesheet", 0) + b.get("Document", 0)


def targets(results):
    """[(target, measured text, True/False/None)]: None when not measured in this run."""
    rows = []

    def versus(size, kind, other, limit, label):
        if str(size) not in results["sizes"]:
            return rows.append((label, "not measured", None))
        text, value = ratio(results, size, kind, other)
        rows.append((label, text, None if value is None else value <= limit))

    versus(10000, "cold", "vis", 1.0, "10,000 events: /embed/ drawn ≤ 1.0× vis-timeline, cold")
    versus(10000, "cold", "timelinejs", 0.15, "10,000 events: /embed/ drawn ≤ 0.15× TimelineJS, cold")
    versus(1000, "repeat", "vis", 1.0, "1,000 events: /embed/ drawn ≤ 1.0× vis-timeline, repeat")
    versus(1000, "cold", "vis", 1.2, "1,000 events: /embed/ drawn ≤ 1.2× vis-timeline, cold")
    versus(1000, "cold", "timelinejs", 0.35, "1,000 events: /embed/ drawn ≤ 0.35× TimelineJS, cold")
    for kind in ("cold", "repeat"):
        r = results["sizes"].get("100")
        fcp = r["app"][kind]["fcp_ms"] if r else None
        rows.append((f"100 events: /embed/ FCP ≤ 150 ms, {kind}",
                     "not measured" if r is None else fmt_ms(fcp), None if fcp is None else fcp <= 150))
    for kind in ("cold", "repeat"):
        versus(100, kind, "timelinejs", 1.3, f"100 events: /embed/ drawn ≤ 1.3× TimelineJS, {kind}")

    r = results["sizes"].get("100000")
    if r is None:
        rows.append(("100,000 events: /embed/ drawn ≤ 2 s, cold", "not measured", None))
        rows.append(("100,000 events: zoom to one month shows its events ≤ 0.5 s", "not measured", None))
    else:
        value, timeout = ready(results, 100000, "app", "cold")
        rows.append(("100,000 events: /embed/ drawn ≤ 2 s, cold", fmt_ms(value, timeout),
                     value is not None and value <= 2000))
        zoom = r["zoom"]
        rows.append(("100,000 events: zoom to one month shows its events ≤ 0.5 s", zoom_text(zoom),
                     zoom["zoom_ms"] <= 500 if zoom["status"] == "ok" else
                     (None if zoom["status"] == "not supported yet" else False)))

    r = results["sizes"].get("10000")
    partial = r["server"]["htmx partial"] if r else None
    value = partial["ratio_to_floor"] if partial else None
    rows.append(("10,000 events: htmx partial ≤ 3× its floor (warm median)",
                 times(value) if partial else "not measured", None if value is None else value <= 3))

    sizes = list(results["sizes"])
    # Cold (first request) and warm counts differ by design (the cache): compare each
    # across sizes.
    counts = {name: {key: sorted({count for s in sizes
                                  if (count := results["sizes"][s]["server"][name][key]) is not None})
                     for key in ("queries_first", "queries_warm")}
              for name in ENDPOINTS}
    constant = all(len(c) <= 1 for by_key in counts.values() for c in by_key.values())
    rows.append((f"queries per request independent of N ({', '.join(f'{int(s):,}' for s in sizes)})",
                 "; ".join(f"{n}: " + " / ".join(",".join(map(str, c)) for c in by_key.values())
                           for n, by_key in counts.items()) + " (cold / warm)",
                 constant if len(sizes) > 1 else None))

    for size in (1000, 10000):
        for kind, limit, label in (("cold", 450, "first load"), ("repeat", 30, "repeat")):
            total = embed_bytes(results, size, kind)
            rows.append((f"{size:,} events: /embed/ JS+CSS+HTML ≤ {limit} KB gzip, {label}",
                         "not measured" if total is None else f"{kb(total)} KB",
                         None if total is None else total <= limit * 1024))

    largest = max(int(s) for s in sizes)
    m = results["sizes"][str(largest)]["memory"]
    rows.append((f"worker RSS < 300 MB at 100,000 events (measured at {largest:,})",
                 f"{m['vmhwm_mb']:.0f} MB", m["vmhwm_mb"] < 300 if largest == 100000 else None))
    return rows


def targets_table(results):
    mark = {True: "✓", False: "✗", None: "–"}
    return table(["target", "measured", ""], [[t, v, mark[ok]] for t, v, ok in targets(results)])


def machine_line(results):
    m = results["machine"]
    return (f"{results['date']} · {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM · {m['os']} · "
            f"Python {m['python']} · Chromium {m['chromium']} · load average {m['load_average_at_start'][0]} "
            f"at start, {m['load_average_at_end'][0]} at end")


def sections(results):
    return [
        ("Server (in-process test Client; times in ms)", server_table(results)),
        ("Browser: first contentful paint and chart drawn (median of "
         f"{results['settings']['runs']} run(s))", browser_table(results)),
        ("Bytes on the wire for /embed/", bytes_table(results)),
        ("Memory, zoom, and requests off loopback", other_table(results)),
        ("Targets (this machine, ratios within the run)", targets_table(results)),
    ]


def print_tables(results):
    print(machine_line(results))
    for title, body in sections(results):
        print(f"\n{title}\n{body}")


def write_readme(results, path):
    s = results["settings"]
    parts = [EXPLANATION, "## Latest results\n",
             machine_line(results) + ".\n",
             f"Run: sizes {', '.join(f'{int(n):,}' for n in results['sizes'])}; {s['runs']} browser run(s) per page; "
             f"{s['timeout_s']:g} s timeout per page; {s['budget_s']:g} s of warm requests per endpoint"
             f"{' (quick mode)' if s['quick'] else ''}; took {results['duration_s'] / 60:.1f} min.\n"]
    for title, body in sections(results):
        parts.append(f"### {title}\n\n{body}\n")
    path.write_text("\n".join(parts))


if __name__ == "__main__":
    run = json.loads(Path(sys.argv[1]).read_text())
    print_tables(run)
    write_readme(run, Path(__file__).resolve().parent / "README.md")
