#!/usr/bin/env python3
"""`make loadtest`: the site under front-page traffic while curators edit.

1. Builds a temporary SQLite database (migrate, the shipped dataset, 2,000 synthetic events
   for a bigger view; cached in bench/.cache/ by the hash of what builds it) and starts
   gunicorn with 4 workers on a free loopback port, with production settings (DEBUG off).
2. Drives /embed/, the dashboard's htmx partial (/ with HX-Request: true) and /api/events/
   (the default view; --pair XA-XB for the 2,000 synthetic events' view) with N concurrent
   connections for D seconds (threads with http.client; bounded by time and --max-requests).
3. Meanwhile a second process edits events through the ORM (titles, tone, new sources) and
   records every write it committed. One request in SUGGEST_EVERY is a reader's suggestion
   (its form, then its POST: bench/suggesting.py), each of which must be stored.
   Halfway through, `backup_db` copies the live database (it must succeed).
4. Prints requests, throughput, p50/p99 latency and errors per endpoint (non-2xx/3xx,
   exceptions, and any "database is locked" or traceback in gunicorn's log), then re-reads
   the database: every recorded write must be there ("lost writes: 0").

Exit status 0 only with no error and no lost write. Loopback only; no dependency beyond the
app's own (gunicorn).
"""

import argparse
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import proxy
import suggesting
from common import (
    ROOT,
    SYNTHETIC_PAIR,
    cached_database,
    copy_database,
    free_port,
    get,
    percentile,
    production_env,
    start_gunicorn,
    wait_until_up,
)

ENDPOINTS = [
    ("/embed/", "/embed/", {}),
    ("/ (htmx partial)", "/", {"HX-Request": "true"}),
    ("/api/events/", "/api/events/", {}),
    suggesting.ENDPOINT,
]


def with_pair(pair):
    """The endpoints for one pair's view (default: the site's default view, FR–RU)."""
    if pair:
        ENDPOINTS[:] = [
            e if e is suggesting.ENDPOINT else (e[0], f"{e[1]}?pair={pair}", e[2])
            for e in ENDPOINTS
        ]


SUGGEST_EVERY = 10
SERVER_ERRORS = ["database is locked", "Traceback", "Internal Server Error", "WORKER TIMEOUT"]


# --- the readers ------------------------------------------------------------------------
class Results:
    def __init__(self):
        self.latencies = {name: [] for name, _, _ in ENDPOINTS}
        self.errors = {name: [] for name, _, _ in ENDPOINTS}
        self.in_window = {name: 0 for name, _, _ in ENDPOINTS}  # answered before the deadline
        self.issued = 0
        self.suggested = []  # the messages of the suggestions the server thanked for
        self.lock = threading.Lock()


def drive(port, connections, duration, max_requests):
    results = Results()
    deadline = time.monotonic() + duration

    def client(offset):
        n = offset
        while time.monotonic() < deadline:
            with results.lock:
                if results.issued >= max_requests:
                    return
                results.issued += 1
            suggests = suggesting.ENDPOINT in ENDPOINTS and n % SUGGEST_EVERY == 0
            readers = [e for e in ENDPOINTS if e is not suggesting.ENDPOINT] or ENDPOINTS
            name, path, headers = suggesting.ENDPOINT if suggests else readers[n % len(readers)]
            n += 1
            started = time.perf_counter()
            try:
                if path == suggesting.PATH:
                    status, message = suggesting.suggest(port)
                    if status == 200:
                        with results.lock:
                            results.suggested.append(message)
                else:
                    status, _ = get(port, path, headers)
            except Exception as error:
                results.errors[name].append(f"{type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - started
            if time.monotonic() <= deadline:
                with results.lock:
                    results.in_window[name] += 1
            if 200 <= status < 400:
                results.latencies[name].append(elapsed)
            else:
                results.errors[name].append(f"HTTP {status}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 120)
    return results, time.monotonic() - started


# --- the writer (a second process, through the ORM) ---------------------------------------
def run_writer(duration, interval, out_path, seed):
    import django

    django.setup()
    from django.db import transaction

    from timeline.models import TONE_MAX, TONE_MIN, Event, Source

    rng = random.Random(seed)
    originals = dict(Event.objects.values_list("pk", "title"))
    # Half the edits hit the curated events the default view shows, half the synthetic ones.
    curated = list(Event.objects.exclude(countries__code="XA").values_list("pk", flat=True))
    synthetic = sorted(set(originals) - set(curated))
    events, sources, failures = {}, {}, []
    edits = 0
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        pk = rng.choice(curated if rng.random() < 0.5 or not synthetic else synthetic)
        edits += 1
        title = f"{originals[pk][:180]} [edit {edits}]"
        tone = rng.randint(TONE_MIN, TONE_MAX)
        add_source = edits % 3 == 0
        try:
            with transaction.atomic():
                event = Event.objects.get(pk=pk)
                event.title, event.tone = title, tone
                event.save()
                source = None
                if add_source:
                    source = Source.objects.create(
                        event=event,
                        url=f"https://loadtest.example/{edits}",
                        title=f"Load-test source {edits}",
                    )
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
        else:  # committed: record what the database must now hold
            events[pk] = {"title": title, "tone": tone}
            if source is not None:
                sources[source.pk] = pk
        time.sleep(interval)
    Path(out_path).write_text(
        json.dumps({"edits": edits, "events": events, "sources": sources, "failures": failures})
    )


def edit_marker(marker):
    """`--edit-marker`: put marker in the title of an event of the default view, and return
    once committed (the proxy's freshness is measured from then)."""
    import django

    django.setup()
    from timeline.models import Event

    event = Event.objects.published().filter(countries__code="FR").order_by("-start").first()
    event.title = f"{event.title[:150]} {marker}"
    event.save()


def edit_through_proxy(env, front, seconds_before, found):
    """After seconds_before, edit an event (another process) and time how long readers of
    /embed/ through the proxy take to see it: found["edit_visible_s"]."""
    time.sleep(seconds_before)
    marker = f"proxyedit{random.randrange(10**9)}"
    subprocess.run(
        [sys.executable, __file__, "--edit-marker", marker], env=env, cwd=ROOT, check=True
    )
    found["edit_visible_s"] = proxy.seconds_until_visible(front, ENDPOINTS[0][1], marker)


def report_proxy(workdir, through_proxy):
    """Print the proxy's hit ratio and how long an edit took to show; 1 if it never did."""
    statuses = proxy.cache_statuses(workdir)
    total = sum(statuses.values()) or 1
    cached = sum(n for status, n in statuses.items() if status in proxy.SERVED_FROM_CACHE)
    hits = statuses.get("HIT", 0) + statuses.get("STALE", 0) + statuses.get("UPDATING", 0)
    print(
        f"proxy: {total:,} requests, served without a render {cached / total:.1%} "
        f"(hit ratio {hits / total:.1%}; "
        + ", ".join(f"{status} {n:,}" for status, n in statuses.most_common())
        + ")"
    )
    visible = through_proxy.get("edit_visible_s")
    if visible is None:
        print("proxy: an edit made during the load did NOT show through the proxy within 30 s")
        return 1
    print(f"proxy: an edit made during the load showed through the proxy after {visible:.2f} s")
    return 0


def check_writes(db_path, written):
    """The recorded writes that the database does not hold (re-read with plain sqlite3)."""
    lost = []
    with sqlite3.connect(db_path) as conn:
        for pk, expected in written["events"].items():
            row = conn.execute(
                "SELECT title, tone FROM timeline_event WHERE id = ?", (int(pk),)
            ).fetchone()
            if row != (expected["title"], expected["tone"]):
                lost.append(f"event {pk}: expected {expected}, found {row}")
        for pk, event_pk in written["sources"].items():
            row = conn.execute(
                "SELECT event_id FROM timeline_source WHERE id = ?", (int(pk),)
            ).fetchone()
            if row != (event_pk,):
                lost.append(f"source {pk} of event {event_pk}: found {row}")
    return lost


# --- main -----------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of load (default 30)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (64)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="upper bound on requests"
    )
    parser.add_argument("--events", type=int, default=2000, help="synthetic events (2000)")
    parser.add_argument("--write-interval", type=float, default=0.02, help="writer pause (s)")
    parser.add_argument(
        "--pair",
        default="",
        help=f"drive one pair's view, e.g. {SYNTHETIC_PAIR} (the 2,000 "
        "synthetic events); default: the site's default view",
    )
    parser.add_argument(
        "--only",
        default="",
        help="drive one endpoint alone, by its path: /embed/, / or /api/events/ (default: all)",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="drive nginx's proxy cache (deploy/nginx.conf) in front of gunicorn",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--edit-marker", help=argparse.SUPPRESS)
    parser.add_argument("--writer", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.writer:
        return run_writer(args.duration, args.write_interval, args.writer, seed=1)
    if args.edit_marker:
        return edit_marker(args.edit_marker)

    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit(
            "No collected static files: run `make collectstatic` (make loadtest does)."
        )

    with_pair(args.pair)
    if args.only:
        chosen = [e for e in ENDPOINTS if e[1].split("?")[0] == args.only]
        if not chosen:
            parser.error(f"--only {args.only}: not one of {', '.join(e[1] for e in ENDPOINTS)}")
        ENDPOINTS[:] = chosen
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    server = writer = nginx = None
    through_proxy = {}
    try:
        db = copy_database(cached_database("loadtest", args.events), workdir)
        env = {**production_env(db), **suggesting.UNTHROTTLED}
        port = free_port()
        log_path = workdir / "gunicorn.log"
        log = open(log_path, "w")  # noqa: SIM115 (closed when gunicorn stops)
        server = start_gunicorn(
            env, port, log, workers=args.workers, extra=["--backlog", "2048", "--timeout", "60"]
        )
        wait_until_up(port, server, ENDPOINTS[-1][1])
        target = port
        if args.proxy:
            nginx, target = proxy.start_nginx(port, workdir)
            print(f"nginx: proxy cache on 127.0.0.1:{target} (deploy/nginx.conf)", flush=True)
            threading.Thread(
                target=edit_through_proxy,
                args=(env, target, args.duration * 0.6, through_proxy),
                daemon=True,
            ).start()
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{port}, SQLite (WAL) {db}\n"
            f"load: {args.connections} connections for {args.duration:g} s on "
            f"{', '.join(path for _, path, _ in ENDPOINTS)}; a writer edits events meanwhile",
            flush=True,
        )

        written_path = workdir / "writes.json"
        writer = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--writer",
                str(written_path),
                "--duration",
                str(args.duration),
                "--write-interval",
                str(args.write_interval),
            ],
            env=env,
            cwd=ROOT,
        )
        # Halfway through, `make backup` runs against the live database: it must succeed
        # (its copy passes `PRAGMA quick_check`) without disturbing readers or the writer.
        backup = {}

        def backup_midway():
            time.sleep(args.duration / 2)
            started = time.perf_counter()
            backup["run"] = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "backup_db",
                    "--dir",
                    str(workdir / "backups"),
                ],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            backup["seconds"] = time.perf_counter() - started

        backup_thread = threading.Thread(target=backup_midway, daemon=True)
        backup_thread.start()
        results, elapsed = drive(target, args.connections, args.duration, args.max_requests)
        backup_thread.join(120)
        writer_status = writer.wait(timeout=args.duration + 120)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()

        # --- report ---
        server_log = log_path.read_text(errors="replace")
        server_errors = {needle: server_log.count(needle) for needle in SERVER_ERRORS}
        total_errors = 0
        # req/s: responses within the DURATION window (as wrk counts); the requests still in
        # flight at the deadline are waited for and counted in requests, latency and errors.
        print(
            f"\n{'endpoint':<24} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        for name, _, _ in ENDPOINTS:
            ok, errors = results.latencies[name], results.errors[name]
            count = len(ok) + len(errors)
            total_errors += len(errors)
            print(
                f"{name:<24} {count:>9} {results.in_window[name] / args.duration:>8.1f} "
                f"{percentile(ok, 0.5) * 1000:>8.0f} "
                f"{percentile(ok, 0.99) * 1000:>8.0f} {len(errors):>7}"
            )
            for message in sorted(set(errors))[:5]:
                print(f"    {errors.count(message)} × {message}")
        all_requests = sum(
            len(results.latencies[n]) + len(results.errors[n]) for n, _, _ in ENDPOINTS
        )
        in_window = sum(results.in_window.values())
        print(
            f"{'all':<24} {all_requests:>9} {in_window / args.duration:>8.1f}"
            f"   ({elapsed:.1f} s with the in-flight requests drained)"
        )
        print(
            "server log: "
            + ", ".join(f'{count} × "{needle}"' for needle, count in server_errors.items())
        )
        total_errors += sum(server_errors.values())
        run = backup.get("run")
        if run is not None and run.returncode == 0:
            copy = Path(run.stdout.strip().splitlines()[-1])
            print(
                f"online backup during the load: ok ({copy.stat().st_size:,} bytes, "
                f"{backup['seconds']:.1f} s, quick_check ok)"
            )
        else:
            total_errors += 1
            print(
                f"online backup during the load: FAILED {run.stderr[-500:] if run else '(not run)'}"
            )

        if writer_status != 0 or not written_path.exists():
            print(f"writer: FAILED (exit status {writer_status})")
            return 1
        written = json.loads(written_path.read_text())
        lost = check_writes(db, written)
        print(
            f"writer: {written['edits'] - len(written['failures'])} "
            f"committed edits of {len(written['events'])} events, "
            f"{len(written['sources'])} sources added, {len(written['failures'])} failed writes"
        )
        for message in sorted(set(written["failures"]))[:5]:
            print(f"    {written['failures'].count(message)} × {message}")
        lost += [f"suggestion {m}" for m in suggesting.lost_suggestions(db, results.suggested)]
        print(f"readers' suggestions: {len(results.suggested)} thanked for, all to be stored")
        for message in lost[:10]:
            print(f"    lost: {message}")
        total_errors += len(written["failures"])
        if args.proxy:
            total_errors += report_proxy(workdir, through_proxy)
        print(f"errors: {total_errors}")
        print(f"lost writes: {len(lost)}")
        if total_errors or lost:
            print(f"FAILED — gunicorn's log is kept in {log_path}")
            args.keep = True
            return 1
        print("OK")
        return 0
    finally:
        for process in (writer, nginx, server):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept: {workdir}")


if __name__ == "__main__":
    sys.exit(main())
