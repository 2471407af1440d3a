"""Tables for stdout and bench/README.md from one run's results (see run.py).

`python bench/report.py bench/results/bench-….json` writes bench/README.md again from a
run's raw results (after a change to the report, without measuring again).
"""

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ENDPOINTS = ["htmx partial", "dashboard", "/embed/", "/api/events/"]
COMPETITORS = [("timelinejs", "TimelineJS 3"), ("vis", "vis-timeline 8")]
SYSTEMS = [("app", "/embed/ (Plotly)"), *COMPETITORS, ("floor", "floor: plotly.js alone")]
# What a ratio compares: (system, key of its median) → label.
VISIBLE, INTERACTIVE = ("app", "visible_ms"), ("app", "ready_ms")
DRAWN = {system: (system, "ready_ms") for system, _ in SYSTEMS if system != "app"}

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
  - *First request after an edit* (on the script's own copy of the database): `/embed/`
    for XA-XB warm, then (a) one event of another pair (a France–Russia event of the
    shipped dataset) has its title changed and is saved with `save()`, as the admin does,
    and the next XA-XB `/embed/` request is timed; (b) the same for one XA-XB event (the
    median one). 3 edits of each (1 in quick mode), median; the warm request just before
    each edit is shown beside them. With one data version for all the data, (a) is as cold
    as (b); with a version per pair, (a) stays warm.
- **Browser** (`browser.py`, `competitors.py`): Debian's Chromium through Playwright, one
  browser for the run, viewport 1280×900. *Cold*: first visit in a new browser context
  (empty cache). *Repeat*: second navigation in the same context (HTTP cache warm).
  Median of the runs. Times are `performance.now()` from navigation start.
  - FCP: the `first-contentful-paint` paint entry ("—": none within 2 s of the chart
    being drawn, as when a page's script keeps the main thread busy).
  - *Drawn* is, for every page, the next frame after the library's own event: the page
    schedules a `requestAnimationFrame` when the event fires and records
    `performance.now()` in its callback.
  - `/embed/` *visible*: the `timeline:chart-visible` performance mark, which the page sets
    from a small inline script in a `requestAnimationFrame` once its static SVG chart (drawn
    on the server) is on screen. When a page sets no such mark, its FCP stands in, marked
    "(FCP)".
  - `/embed/` *interactive*: the frame after `data-drawn="true"` on `#timeline-chart` or
    the `timeline:chart-ready` mark, whichever comes first (`static/timeline/chart.js`
    sets both once `Plotly.react` has resolved).
  - TimelineJS 3 (`@knight-lab/timelinejs` 3.9.11, data from the app's
    `/api/timelinejs.json`): drawn once its `loaded` event has fired and its slides
    (`.tl-slide`) and time markers (`.tl-timemarker`) are in the DOM.
  - vis-timeline 8 (8.5.4 standalone UMD build + CSS, items
    `{id, content: title, group: kind, start, end}`, one group per kind, as the app has one
    lane per kind): drawn at its first `changed` event once item elements (`.vis-item`)
    are in the DOM.
  - The competitors are used as their users use them, with the libraries' defaults:
    vis-timeline gets its items and groups (data) and options `{}` (its height follows its
    content; stacking on, the whole range in view); TimelineJS gets only `script_path`,
    where its own files are served (its default is Knight Lab's CDN), in a 640 px high
    container (its height is its container's).
  - Floor: a bare page of the same static server that loads only the plotly.js file the
    `/embed/` page loads (read from its `<script src>`, copied from the collected static
    files, cached as WhiteNoise caches it) and draws the very same figure JSON (the text of
    `/embed/`'s `<script id="timeline-figure">`) with `Plotly.newPlot` in a div as wide as
    the app's chart, modebar off; drawn at the frame after `newPlot` resolves. Same visits
    (cold, repeat, median). Its page is made from the `/embed/` HTML served after the app's
    visits; the app's figure is drawn as is (no phone adaptation, no zoom buttons).
  - The competitors' and the floor's pages, libraries and data are served by a loopback
    static server (libraries cached far-future like WhiteNoise's, pages and data
    `no-store`, not compressed); nothing is fetched from outside (TimelineJS's default
    theme asks fonts.gstatic.com for its fonts: on this closed network the requests fail
    at once, and the table lists them). A page not drawn within the timeout is reported as
    "> 60 s (timeout)" and its remaining visits at that size are skipped.
  - Ratios are the app's median ÷ the other page's median, cold with cold and repeat with
    repeat; against a page that timed out, "< bound" (the app's time ÷ the timeout).
  - Zoom: on a drawn `/embed/`, `Plotly.relayout` to the month of the median mark, then
    wait until the figure holds event markers inside that month and `data-drawn` is set
    again: with more than 1,000 events in view the app fetches that window from `/chart/`
    and draws it; with fewer, every event is drawn already and the relayout alone shows
    them. The traces are found by their `meta`, with names from
    `layout.meta.trace_names` when the figure has them (`events`, `binned`), else the
    literals `events` (and the older `events-cancelled`) and `events-binned`. Reported:
    the whole zoom (relayout called → the window's events drawn, checked at each frame),
    the relayout alone (until `Plotly.relayout`'s promise resolves) and the rest. "not
    supported yet" if that does not happen within 10 s.
- **Bytes**: what crossed the wire for `/embed/` (CDP `Network.loadingFinished`
  `encodedDataLength`: compressed bodies plus headers; the browser sends
  `Accept-Encoding: gzip`), first load and repeat load, by type (the app gzips its pages,
  WhiteNoise the static files). The bytes target counts all of a first load ("all KB").
- **Memory**: gunicorn with one worker serves the browser's `/embed/` visits, then the
  dashboard, its htmx partial and `/api/events/`; the worker's peak RSS is `VmHWM` from
  `/proc/<pid>/status` (polled `VmRSS` as a check).
- **Targets**: each holds or misses on this run's figures; a browser target holds when it
  holds both cold and repeat.
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
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
        for i, h in enumerate(headers)
    ]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]
    )


def server_table(results):
    rows = []
    for size, r in results["sizes"].items():
        for name in ENDPOINTS:
            e = r["server"][name]
            rows.append(
                [
                    f"{int(size):,}",
                    name,
                    ms(e["first_s"]),
                    ms(e["median_s"]),
                    ms(e["p95_s"]),
                    e["warm_requests"],
                    f"{e['queries_first']} / {e['queries_warm'] or '—'}",
                    ms(e["floor_s"]),
                    times(e["ratio_to_floor"]),
                    kb(e["bytes"]),
                ]
            )
    return table(
        [
            "events",
            "endpoint",
            "first ms",
            "median ms",
            "p95 ms",
            "warm n",
            "queries",
            "floor ms",
            "÷ floor",
            "KB",
        ],
        rows,
    )


def search_table(results):
    rows = []
    for size, r in results["sizes"].items():
        for name, e in (r["server"].get("search") or {}).items():
            words = f"{name} ({', '.join(e['words'])})"
            matches = f"{e['matches']:,.0f}"
            rows.append(
                [f"{int(size):,}", words, matches, ms(e["median_s"]), ms(e["max_s"]), e["queries"]]
            )
    return table(["events", "words matching", "matches", "median ms", "max ms", "queries"], rows)


def median_ms(results, size, what, kind):
    """(ms or None, timeout seconds or None) of a page's median: `what` is (system, key)."""
    system, key = what
    r = results["sizes"].get(str(size), {}).get(system)
    if r is None:
        return None, None
    value = r[kind].get(key)
    return value, (results["settings"]["timeout_s"] if value is None and r["timeout"] else None)


def ratio(results, size, kind, mine, theirs):
    """mine ÷ theirs (medians, same kind of visit): (text, value or bound)."""
    a, a_timeout = median_ms(results, size, mine, kind)
    b, b_timeout = median_ms(results, size, theirs, kind)
    if a is not None and b is not None:
        return f"{a / b:.2f}×", a / b
    if a is not None and b_timeout:
        bound = a / (b_timeout * 1000)
        return f"< {bound:.2f}×", bound  # they took longer than the timeout
    if a_timeout and b is not None:
        return f"> {a_timeout * 1000 / b:.1f}×", float("inf")
    return "—", None


def visible_from_fcp(results, size, kind):
    app = results["sizes"].get(str(size), {}).get("app") or {}
    return "fcp" in (app.get(kind, {}).get("visible_from") or "")


def browser_table(results):
    timeout = results["settings"]["timeout_s"]
    rows = []
    for size, r in results["sizes"].items():
        for system, label in [
            ("visible", "/embed/ visible (static chart)"),
            ("app", "/embed/ interactive (Plotly)"),
            *SYSTEMS[1:],
        ]:
            s = r.get("app" if system == "visible" else system)
            if s is None:  # a run from before the page was measured
                continue
            key = "visible_ms" if system == "visible" else "ready_ms"
            cells = [f"{int(size):,}", label]
            for kind in ("cold", "repeat"):
                value = s[kind].get(key)
                t = timeout if s["timeout"] and value is None and system != "visible" else None
                drawn = fmt_ms(value, t)
                if (
                    system == "visible"
                    and value is not None
                    and visible_from_fcp(results, size, kind)
                ):
                    drawn += " (FCP)"
                cells += [
                    fmt_ms(s[kind]["fcp_ms"]) if s[kind]["fcp_ms"] is not None else "—",
                    drawn,
                ]
            rows.append(cells)
    return table(["events", "page", "cold FCP", "cold drawn", "repeat FCP", "repeat drawn"], rows)


RATIOS = [
    ("visible ÷ vis-timeline", VISIBLE, "vis"),
    ("visible ÷ TimelineJS", VISIBLE, "timelinejs"),
    ("interactive ÷ vis-timeline", INTERACTIVE, "vis"),
    ("interactive ÷ TimelineJS", INTERACTIVE, "timelinejs"),
    ("interactive ÷ floor", INTERACTIVE, "floor"),
]


def ratios_table(results):
    rows = []
    for size in results["sizes"]:
        for kind in ("cold", "repeat"):
            fcp = " (FCP)" if visible_from_fcp(results, size, kind) else ""
            rows.append(
                [
                    f"{int(size):,}",
                    kind,
                    *(
                        ratio(results, size, kind, mine, DRAWN[other])[0]
                        + (fcp if mine == VISIBLE else "")
                        for _, mine, other in RATIOS
                    ),
                ]
            )
    return table(["events", "visits", *(label for label, _, _ in RATIOS)], rows)


def browser_notes(results):
    notes = []
    missing = [
        f"{int(size):,} {kind}"
        for size in results["sizes"]
        for kind in ("cold", "repeat")
        if visible_from_fcp(results, size, kind)
    ]
    if missing:
        notes.append(
            "The app set no `timeline:chart-visible` mark ("
            + ", ".join(missing)
            + "): *visible* is its first contentful paint there, marked (FCP)."
        )
    for size, r in results["sizes"].items():
        page = (r.get("floor") or {}).get("page")
        if page:
            notes.append(
                f"Floor at {int(size):,} events: {page['plotly']}, a {page['width_px']} px wide div "
                f"({page['width_from']}), figure JSON {kb(page['figure_bytes'])} KB."
            )
    return "\n".join(f"- {n}" for n in notes)


def zoom_text(zoom):
    if zoom["status"] == "ok":
        return f"{zoom['zoom_ms']:,.0f} ms ({zoom['window'][0]} – {zoom['window'][1]})"
    if zoom["status"] == "timeout":
        return f"page not drawn in {zoom['timeout_s']:g} s"
    return f"not supported yet (relayout alone {zoom['relayout_ms']:,.0f} ms)"


def zoom_table(results):
    rows = []
    for size, r in results["sizes"].items():
        z = r["zoom"]
        window = f"{z['window'][0]} – {z['window'][1]}" if "window" in z else "—"
        if z["status"] == "ok":
            after = z.get("after_relayout_ms", z["zoom_ms"] - z["relayout_ms"])
            cells = [fmt_ms(z["zoom_ms"]), fmt_ms(z["relayout_ms"]), fmt_ms(after)]
        elif z["status"] == "timeout":
            cells = [f"page not drawn in {z['timeout_s']:g} s", "—", "—"]
        else:
            cells = [
                f"not supported yet (no events in view within {z['wait_s']:g} s)",
                fmt_ms(z["relayout_ms"]),
                "—",
            ]
        rows.append([f"{int(size):,}", window, *cells])
    return table(
        [
            "events",
            "window (one month)",
            "zoom: relayout → events drawn",
            "Plotly.relayout alone",
            "after relayout → events drawn",
        ],
        rows,
    )


def edits_table(results):
    rows = []
    for size, r in results["sizes"].items():
        e = r["server"].get("edits")
        embed = r["server"]["/embed/"]
        if e is None:
            continue
        rows.append(
            [
                f"{int(size):,}",
                ms(embed["first_s"]),
                ms(e["warm_s"]),
                ms(e["other_pair_s"]),
                ms(e["this_pair_s"]),
                f"{e['other_pair_queries']} / {e['this_pair_queries']}",
                e["repeats"],
            ]
        )
    return table(
        [
            "events",
            "/embed/ cold (first) ms",
            "warm ms",
            "after another pair's edit ms",
            "after this pair's edit ms",
            "queries (other / this)",
            "edits",
        ],
        rows,
    )


def bytes_table(results):
    rows = []
    for size, r in results["sizes"].items():
        for kind in ("cold", "repeat"):
            b = r["app"]["bytes"].get(kind, {})
            js, css, html = b.get("Script", 0), b.get("Stylesheet", 0), b.get("Document", 0)
            rows.append(
                [
                    f"{int(size):,}",
                    "first load" if kind == "cold" else "repeat load",
                    kb(html),
                    kb(js),
                    kb(css),
                    kb(js + css + html),
                    kb(sum(b.values()) - js - css - html),
                    kb(sum(b.values())),
                ]
            )
    body = table(
        ["events", "/embed/", "HTML KB", "JS KB", "CSS KB", "JS+CSS+HTML KB", "other KB", "all KB"],
        rows,
    )
    label, measured, ok = bytes_target(results)
    return f"{body}\n\nTarget: {label}: " + (
        f"{measured}, {VERDICT[ok]}." if ok is not None else "not measured."
    )


def other_table(results):
    rows = []
    for size, r in results["sizes"].items():
        m = r["memory"]
        external = sorted(
            {
                urlsplit(u).hostname
                for s, _ in SYSTEMS
                for u in (r.get(s) or {}).get("external_requests", [])
            }
        )
        rows.append(
            [
                f"{int(size):,}",
                f"{m['vmhwm_mb']:.0f}",
                f"{m['max_polled_vmrss_mb']:.0f}",
                ", ".join(external) or "none",
            ]
        )
    return table(
        ["events", "worker peak RSS MB (VmHWM)", "max polled VmRSS MB", "requests off loopback"],
        rows,
    )


def embed_bytes(results, size, kind):
    """Everything that crossed the wire for /embed/ (a first load or a repeat), or None."""
    r = results["sizes"].get(str(size))
    if r is None or kind not in r["app"]["bytes"]:
        return None
    return sum(r["app"]["bytes"][kind].values())


VERDICT = {True: "holds", False: "misses", None: "not measured"}


def bytes_target(results, size=1000, limit_kb=350):
    total = embed_bytes(results, size, "cold")
    return (
        f"bytes on first load ≤ {limit_kb} KB gzip at {size:,} events",
        "not measured" if total is None else f"{kb(total)} KB",
        None if total is None else total <= limit_kb * 1024,
    )


def targets(results):
    """[(target, measured text, True/False/None)]: None when not measured in this run."""
    rows = []

    def versus(size, mine, other, limit, label):
        """A browser ratio target: holds when it holds cold and repeat."""
        if str(size) not in results["sizes"]:
            return rows.append((f"{size:,} events: {label}", "not measured", None))
        texts, oks = [], []
        for kind in ("cold", "repeat"):
            text, value = ratio(results, size, kind, mine, DRAWN[other])
            if mine == VISIBLE and value is not None and visible_from_fcp(results, size, kind):
                text += " (FCP)"
            texts.append(f"{kind} {text}")
            oks.append(None if value is None else value <= limit)
        ok = False if False in oks else (None if None in oks else True)
        rows.append((f"{size:,} events: {label}", " · ".join(texts), ok))

    for size in (100, 1000):
        versus(size, VISIBLE, "vis", 0.5, "/embed/ visible ≤ 0.5× vis-timeline drawn")
        versus(size, VISIBLE, "timelinejs", 0.5, "/embed/ visible ≤ 0.5× TimelineJS drawn")

    r = results["sizes"].get("100")
    if r is None:
        rows.append(("100 events: /embed/ FCP ≤ 200 ms", "not measured", None))
    else:
        fcps = {kind: r["app"][kind]["fcp_ms"] for kind in ("cold", "repeat")}
        rows.append(
            (
                "100 events: /embed/ FCP ≤ 200 ms",
                " · ".join(f"{k} {fmt_ms(v)}" for k, v in fcps.items()),
                None if None in fcps.values() else all(v <= 200 for v in fcps.values()),
            )
        )

    for size in (100, 1000):
        versus(size, INTERACTIVE, "vis", 1.0, "/embed/ interactive ≤ 1.0× vis-timeline drawn")
    for size in (100, 1000):
        versus(size, INTERACTIVE, "timelinejs", 0.6, "/embed/ interactive ≤ 0.6× TimelineJS drawn")
    versus(10000, INTERACTIVE, "vis", 0.5, "/embed/ interactive ≤ 0.5× vis-timeline drawn")
    for size in results["sizes"]:
        versus(int(size), INTERACTIVE, "floor", 1.2, "/embed/ interactive within 1.2× of the floor")

    r = results["sizes"].get("100000")
    if r is None:
        rows.append(
            ("100,000 events: zoom to one month shows its events ≤ 500 ms", "not measured", None)
        )
    else:
        zoom = r["zoom"]
        rows.append(
            (
                "100,000 events: zoom to one month shows its events ≤ 500 ms",
                zoom_text(zoom),
                zoom["zoom_ms"] <= 500
                if zoom["status"] == "ok"
                else (None if zoom["status"] == "not supported yet" else False),
            )
        )

    edits = r["server"].get("edits") if r else None
    for key, what in (
        ("other_pair_s", "another pair's event"),
        ("this_pair_s", "one of the pair's events"),
    ):
        value = edits[key] if edits else None
        rows.append(
            (
                f"100,000 events: first /embed/ request after saving {what} ≤ 0.5 s",
                "not measured" if value is None else f"{ms(value)} ms",
                None if value is None else value <= 0.5,
            )
        )

    rows.append(bytes_target(results))
    return rows


def targets_table(results):
    return table(["target", "measured", ""], [[t, v, VERDICT[ok]] for t, v, ok in targets(results)])


def machine_line(results):
    m = results["machine"]
    return (
        f"{results['date']} · {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM · {m['os']} · "
        f"Python {m['python']} · Chromium {m['chromium']} · load average {m['load_average_at_start'][0]} "
        f"at start, {m['load_average_at_end'][0]} at end"
    )


def sections(results):
    runs = results["settings"]["runs"]
    notes = browser_notes(results)
    return [
        ("Server (in-process test Client; times in ms)", server_table(results)),
        (
            "First request after an edit (in-process test Client, /embed/ for XA-XB)",
            edits_table(results),
        ),
        (
            f"Browser: first contentful paint and chart drawn (median of {runs} run(s))",
            browser_table(results) + (f"\n\n{notes}" if notes else ""),
        ),
        (
            "Browser ratios (the app's median ÷ the other page's, same kind of visit)",
            ratios_table(results),
        ),
        ("Bytes on the wire for /embed/", bytes_table(results)),
        ("Zoom to one month on /embed/", zoom_table(results)),
        (
            "Search: /api/events/?q= for XA-XB, each search new to the server (its lists warm)",
            search_table(results),
        ),
        ("Memory and requests off loopback", other_table(results)),
        ("Targets (this machine, ratios within the run)", targets_table(results)),
    ]


def print_tables(results):
    print(machine_line(results))
    for title, body in sections(results):
        print(f"\n{title}\n{body}")


def write_readme(results, path):
    s = results["settings"]
    parts = [
        EXPLANATION,
        "## Latest results\n",
        machine_line(results) + ".\n",
        f"Run: sizes {', '.join(f'{int(n):,}' for n in results['sizes'])}; {s['runs']} browser run(s) per page; "
        f"{s['timeout_s']:g} s timeout per page; {s['budget_s']:g} s of warm requests per endpoint"
        f"{' (quick mode)' if s['quick'] else ''}; took {results['duration_s'] / 60:.1f} min.\n",
    ]
    for title, body in sections(results):
        parts.append(f"### {title}\n\n{body}\n")
    path.write_text("\n".join(parts))


if __name__ == "__main__":
    run = json.loads(Path(sys.argv[1]).read_text())
    print_tables(run)
    write_readme(run, Path(__file__).resolve().parent / "README.md")
