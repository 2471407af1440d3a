#!/usr/bin/env python3
"""`make bench`: the app against its floor, TimelineJS 3 and vis-timeline 8, per size.

For each size (synthetic events of the pair XA-XB, one cached database each):
1. server.py in a subprocess, on its own copy of the database: in-process timings and
   query counts, and the floor; then the first request after an edit (it writes);
2. competitors.py: the same events exported for TimelineJS and vis-timeline;
3. gunicorn (1 worker, DEBUG off) serves the app; Chromium visits the competitors' pages
   (a loopback static server), then /embed/, cold and repeat, then zooms to one month;
   then the browser floor: a page of the static server that draws /embed/'s figure with
   the same plotly.js file and nothing else, in a div as wide as the app's chart; the
   worker then serves the dashboard, its htmx partial and the API while its memory is
   watched.
Prints a table per section, keeps the raw results in bench/results/ and writes
bench/README.md (report.py).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import competitors
import report
from browser import VIEWPORT, Browser
from common import (
    CACHE,
    ROOT,
    SYNTHETIC_PAIR,
    cached_database,
    copy_database,
    free_port,
    get,
    production_env,
    start_gunicorn,
    stop,
    wait_until_up,
)
from memory import WorkerMemory

SIZES = [100, 1000, 10000, 100000]
QUICK_SIZES = [100, 1000]
RESULTS = ROOT / "bench" / "results"
PAIR_QUERY = f"?pair={SYNTHETIC_PAIR}"
# What the worker serves after the browser's /embed/ visits, for its memory figure.
MEMORY_REQUESTS = [
    ("/", {}),
    ("/", {"HX-Request": "true"}),
    ("/api/events/", {}),
]


def machine():
    def first(path, prefix):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return (
                        line.split(":", 1)[1].strip()
                        if ":" in line
                        else line.split("=", 1)[1].strip('"')
                    )
        except OSError:
            pass
        return "unknown"

    memory_kb = int(first("/proc/meminfo", "MemTotal").split()[0])
    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "ram_gb": round(memory_kb / 1024 / 1024, 1),
        "os": f"{first('/etc/os-release', 'PRETTY_NAME=')}, Linux {platform.release()}",
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def exported(cached, env):
    """The competitors' pages and data for a cached database (exported once)."""
    out = CACHE / "pages" / cached.stem
    if not (out / "vis.json").exists():
        print("  exporting the events for TimelineJS and vis-timeline…", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "competitors.py"), "export", "--out", str(out)],
            env=env,
            cwd=ROOT,
            check=True,
        )
    competitors.write_pages(out)  # cheap, and keeps the pages in step with competitors.py
    return out


def measure_size(events, browser, args, workdir):
    cached = cached_database("bench", events)
    db = copy_database(cached, workdir)  # the run's reads create -wal/-shm: keep the cache clean
    env = production_env(db)
    result = {}

    print("  server (in-process, test Client)…", flush=True)
    server_json = workdir / "server.json"
    # Its own copy: its edits must not reach what gunicorn serves or the competitors' data.
    server_db = copy_database(cached, workdir, "server.sqlite3")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "server.py"),
            "--out",
            str(server_json),
            "--budget",
            str(args.budget),
            "--edit-repeats",
            str(args.edit_repeats),
        ],
        env=production_env(server_db),
        cwd=ROOT,
        check=True,
    )
    result["server"] = json.loads(server_json.read_text())

    pages = exported(cached, env)
    port = free_port()
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed when gunicorn stops)
    # One worker, so one process serves every request of the size (its memory is the figure);
    # a long timeout, so that a slow page at 100,000 events is measured, not killed.
    gunicorn = start_gunicorn(env, port, log, workers=1, extra=["--timeout", "1200"])
    try:
        wait_until_up(port, gunicorn, f"/api/events/{PAIR_QUERY}")
        with WorkerMemory(gunicorn.pid) as memory, competitors.StaticServer(pages) as static_port:
            # The competitors first: a timed-out /embed/ leaves the worker busy for a while.
            for name, page in (("timelinejs", "timelinejs.html"), ("vis", "vis.html")):
                print(f"  browser: {name}…", flush=True)
                result[name] = browser.visits(
                    f"http://127.0.0.1:{static_port}/{page}", args.runs, args.timeout
                )
            print("  browser: /embed/…", flush=True)
            embed_url = f"http://127.0.0.1:{port}/embed/{PAIR_QUERY}"
            result["app"] = browser.visits(embed_url, args.runs, args.timeout, app=True)
            if result["app"]["timeout"]:
                result["zoom"] = {"status": "timeout", "timeout_s": args.timeout}
            else:
                print("  browser: zoom to one month…", flush=True)
                result["zoom"] = browser.zoom(embed_url, args.timeout)
            # The floor after the app's visits: its page is made from /embed/'s HTML (a GET
            # that warms the server's cache) and the width of the app's chart.
            status, html = get(port, f"/embed/{PAIR_QUERY}", timeout=1200)
            if status != 200:
                raise SystemExit(f"GET /embed/{PAIR_QUERY} answered {status}")
            width = result["app"].get("chart_width_px")
            floor = competitors.write_floor(pages, html.decode(), width or VIEWPORT["width"])
            floor["width_from"] = "app's #timeline-chart" if width else "viewport (app not drawn)"
            print(
                f"  browser: floor (plotly.js alone, {floor['plotly']}, {floor['width_px']} px)…",
                flush=True,
            )
            result["floor"] = browser.visits(
                f"http://127.0.0.1:{static_port}/floor.html", args.runs, args.timeout
            )
            result["floor"]["page"] = floor
            print("  memory: dashboard, htmx partial, API…", flush=True)
            for path, headers in MEMORY_REQUESTS:
                status, _ = get(port, path + PAIR_QUERY, headers, timeout=1200)
                if status != 200:
                    raise SystemExit(f"GET {path}{PAIR_QUERY} answered {status}")
        result["memory"] = memory.peak_mb()
    finally:
        stop(gunicorn)
        log.close()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="", help=f"events per database (default: {' '.join(map(str, SIZES))})"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"sizes {' '.join(map(str, QUICK_SIZES))} (unless --sizes), 1 browser run, 2 s budget",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="browser runs per page, median taken (3)"
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds a page may take to draw (60)"
    )
    parser.add_argument(
        "--budget", type=float, default=10, help="seconds of warm requests per endpoint (10)"
    )
    parser.add_argument(
        "--edit-repeats",
        type=int,
        default=3,
        help="edits of each kind before a timed /embed/ request, median kept (3)",
    )
    args = parser.parse_args()
    sizes = (
        [int(s) for s in args.sizes.split()]
        if args.sizes
        else (QUICK_SIZES if args.quick else SIZES)
    )
    if args.quick:
        args.runs, args.budget, args.edit_repeats = 1, 2, 1

    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit("No collected static files: run `make collectstatic` (make bench does).")
    competitors.install()
    started = time.monotonic()
    results = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "settings": {
            "runs": args.runs,
            "timeout_s": args.timeout,
            "budget_s": args.budget,
            "edit_repeats": args.edit_repeats,
            "quick": args.quick,
        },
        "sizes": {},
    }
    browser = Browser()
    results["machine"]["chromium"] = browser.version
    try:
        for events in sizes:
            print(f"\n== {events:,} events ==", flush=True)
            workdir = Path(tempfile.mkdtemp(prefix="bench-"))
            try:
                results["sizes"][str(events)] = measure_size(events, browser, args, workdir)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
    finally:
        browser.close()
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["duration_s"] = time.monotonic() - started

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    raw = RESULTS / f"bench-{stamp}.json"
    raw.write_text(json.dumps(results, indent=1))
    print()
    report.print_tables(results)
    report.write_readme(results, ROOT / "bench" / "README.md")
    print(
        f"\nRaw results: {raw.relative_to(ROOT)}; report: bench/README.md "
        f"({results['duration_s'] / 60:.1f} min)"
    )


if __name__ == "__main__":
    main()
