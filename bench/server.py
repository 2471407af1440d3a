"""Server timings, in-process: Django's test Client against one bench database, DEBUG off.

Run by bench/run.py in a subprocess per database (the settings read SQLITE_PATH once):
    python bench/server.py --events N --out results.json
with production_env(db) as environment. In-process rather than over loopback so that the
floor (the same rows through `.values()` and `json.dumps`) runs in the same process, on
the same warm connection, as the requests it is compared with.

Per endpoint: the first request after `cache.clear()` (cold server cache), then warm
requests until a time budget is spent (at least MIN_WARM; none when the first took over
SLOW_S, as at 100,000 events), each with its queries counted (CaptureQueriesContext).
"""

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SYNTHETIC_PAIR, percentile

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from timeline import selectors  # noqa: E402
from timeline.api import DEFAULT_PAGE_SIZE  # noqa: E402
from timeline.models import Country, Event, Source  # noqa: E402

PAIR_QUERY = f"?pair={SYNTHETIC_PAIR}"
# name, path, headers, rows of the floor (None: all the pair's events)
ENDPOINTS = [
    ("htmx partial", f"/{PAIR_QUERY}", {"HX-Request": "true"}, None),
    ("dashboard", f"/{PAIR_QUERY}", {}, None),
    ("/embed/", f"/embed/{PAIR_QUERY}", {}, None),
    ("/api/events/", f"/api/events/{PAIR_QUERY}", {}, DEFAULT_PAGE_SIZE),
]
MIN_WARM = 3
MAX_WARM = 30
SLOW_S = 60  # a first request this slow gets no warm repeats: the run must end today


def floor(limit):
    """The same events as the endpoint, straight from the database to JSON: the least any
    endpoint can do with them."""
    events = selectors.between(Event.objects.published(), SYNTHETIC_PAIR.split("-"))
    events = events.order_by("start", "pk").values()
    if limit:
        events = events[:limit]
    started = time.perf_counter()
    body = json.dumps(list(events), default=str)
    return time.perf_counter() - started, len(body)


def timed(client, path, headers):
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    body = response.content  # a streaming response would be consumed here
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return elapsed, len(body)


def counted(client, path, headers):
    with CaptureQueriesContext(connection) as queries:
        elapsed, size = timed(client, path, headers)
    return elapsed, size, len(queries.captured_queries)


def measure(budget):
    client = Client(headers={"Host": "127.0.0.1"})
    # Load templates, URLconf and code once, on another pair, so that "first" means a cold
    # server cache for this view, not a cold process.
    timed(client, "/", {})
    timed(client, "/embed/", {})
    results = {"events": Event.objects.published().filter(slug__startswith="synthetic-").count()}
    for name, path, headers, limit in ENDPOINTS:
        cache.clear()
        first, size, first_queries = counted(client, path, headers)
        warm, warm_queries = [], set()
        while (
            first <= SLOW_S
            and len(warm) < MAX_WARM
            and (len(warm) < MIN_WARM or sum(warm) < budget)
        ):
            elapsed, _, queries = counted(client, path, headers)
            warm.append(elapsed)
            warm_queries.add(queries)
        floors = [floor(limit) for _ in range(max(3, min(len(warm), 10)))]
        floor_median = statistics.median(seconds for seconds, _ in floors)
        median = statistics.median(warm) if warm else None
        results[name] = {
            "path": path,
            "headers": headers,
            "bytes": size,
            "first_s": first,
            "median_s": median,
            "p95_s": percentile(warm, 0.95) if warm else None,
            "warm_requests": len(warm),
            "queries_first": first_queries,
            "queries_warm": max(warm_queries, default=None),
            "queries_warm_varied": len(warm_queries) > 1,
            "floor_s": floor_median,
            "floor_rows": limit or "all",
            "floor_bytes": floors[0][1],
            "ratio_to_floor": median / floor_median if warm else None,
        }
        print(
            f"  {name:<13} first {first * 1000:8.1f} ms  median "
            f"{f'{median * 1000:8.1f} ms' if warm else 'not measured'}  "
            f"floor {floor_median * 1000:7.1f} ms  queries {first_queries}/{max(warm_queries, default='-')}",
            flush=True,
        )
    return results


def other_pair_event():
    """(a published event of another pair than the bench's, how it was found)."""
    ours = selectors.between(Event.objects.all(), SYNTHETIC_PAIR.split("-")).values("pk")
    others = Event.objects.published().exclude(pk__in=ours)
    event = others.filter(countries__code="FR").filter(countries__code="RU").order_by("pk").first()
    if event:
        return event, "France–Russia"
    a, b = (
        Country.objects.get_or_create(code=code, defaults={"name": f"Bench country {code}"})[0]
        for code in ("XC", "XD")
    )
    event = Event.objects.create(
        slug="bench-other-pair-edit",
        title="Bench meeting of another pair",
        kind=Event.Kind.MEETING,
        start=datetime.date(2010, 1, 1),
        state=Event.State.PUBLISHED,
    )
    Source.objects.create(
        event=event,
        url="https://news.example/bench-other-pair-edit",
        publisher="Bench",
        title="Bench meeting",
        published=event.start,
    )
    event.countries.set([a, b])
    return event, "made between XC and XD"


def edited(event, n, base):
    event.title = f"{base[:170]} [bench edit {n}]"
    event.save()


def measure_edits(repeats):
    """The next /embed/ request for the pair after a save of another pair's event, and after
    a save of one of the pair's events."""
    client = Client(headers={"Host": "127.0.0.1"})
    path, headers = f"/embed/{PAIR_QUERY}", {}
    other, found = other_pair_event()
    pair_events = selectors.between(Event.objects.published(), SYNTHETIC_PAIR.split("-")).order_by(
        "start", "pk"
    )
    ours = pair_events[pair_events.count() // 2]
    bases = {other.pk: other.title, ours.pk: ours.title}
    runs = {"warm": [], "other_pair": [], "this_pair": []}
    queries = {"other_pair": [], "this_pair": []}
    for n in range(repeats):
        timed(client, path, headers)  # warm, whatever came before
        runs["warm"].append(timed(client, path, headers)[0])
        for key, event in (("other_pair", other), ("this_pair", ours)):
            edited(event, n, bases[event.pk])
            elapsed, _, count = counted(client, path, headers)
            runs[key].append(elapsed)
            queries[key].append(count)
    result = {
        "path": path,
        "repeats": repeats,
        "other_event": f"{other.slug} ({found})",
        "this_event": ours.slug,
    }
    for key, values in runs.items():
        result[f"{key}_s"] = statistics.median(values)
        result[f"{key}_runs_s"] = values
    for key, counts in queries.items():
        result[f"{key}_queries"] = max(counts)
    print(
        f"  after an edit  warm {result['warm_s'] * 1000:8.1f} ms  other pair {result['other_pair_s'] * 1000:8.1f} ms  "
        f"this pair {result['this_pair_s'] * 1000:8.1f} ms",
        flush=True,
    )
    return result


# Searches that match about a tenth of the events, one event, and none (the last two read
# every row's text: a substring search's slowest case); each asked once, so that its answer,
# its count and its figure are computed, while the pair's lists and choices stay warm.
SEARCHES = {
    "a tenth": ["summit", "visit", "protest", "sanction", "election"],
    "one": ["#4242", "#4243", "#4244", "#4245", "#4246"],
    "none": ["élysée", "kremlin", "brégançon", "versailles", "taormina"],
}


def measure_search():
    """/api/events/?q= with the server's caches warm but for the search itself."""
    client = Client(headers={"Host": "127.0.0.1"})
    cache.clear()
    timed(client, f"/api/events/{PAIR_QUERY}", {})  # the pair's lists and choices
    results = {}
    for name, words in SEARCHES.items():
        runs, matches = [], []
        for word in words:
            path = f"/api/events/{PAIR_QUERY}&q={quote(word)}"
            runs.append(counted(client, path, {}))
            matches.append(json.loads(client.get(path).content)["count"])
        median = statistics.median(seconds for seconds, _, _ in runs)
        results[name] = {
            "words": words,
            "matches": statistics.median(matches),
            "median_s": median,
            "max_s": max(seconds for seconds, _, _ in runs),
            "queries": max(queries for _, _, queries in runs),
        }
        print(
            f"  search ({name:<7}) {statistics.median(matches):>7,.0f} matches  "
            f"median {median * 1000:7.1f} ms  max {results[name]['max_s'] * 1000:7.1f} ms"
        )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="where to write the JSON results")
    parser.add_argument(
        "--budget", type=float, default=10.0, help="seconds of warm requests per endpoint"
    )
    parser.add_argument(
        "--edit-repeats", type=int, default=3, help="edits of each kind timed, median kept (3)"
    )
    parser.add_argument("--search-only", action="store_true", help="only the search timings")
    args = parser.parse_args()
    if args.search_only:
        Path(args.out).write_text(json.dumps({"search": measure_search()}, indent=1))
        return
    results = measure(args.budget)
    results["search"] = measure_search()
    results["edits"] = measure_edits(args.edit_repeats)  # last: it writes to the database
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
