"""TimelineJS 3 and vis-timeline 8 drawing the same events as /embed/, for the browser ratios.

- install(): the two libraries from npm into bench/.cache/npm/ (pinned; once, then reused).
- `python bench/competitors.py export --out DIR` (with production_env(db)): the bench
  database's events for the synthetic pair as DIR/timelinejs.json (the app's own
  /api/timelinejs.json) and DIR/vis.json (vis-timeline items, one group per kind, as the
  app has one lane per kind), plus the two pages that draw them.
- StaticServer: serves the libraries and the pages on loopback, so nothing is fetched
  from outside; libraries far-future cached (as WhiteNoise serves the app's), pages and
  data never cached (as the app's HTML, which carries its data, is not).

Each page sets window.__benchReady = performance.now() when its chart is drawn:
TimelineJS: its "loaded" event has fired and its slides and time-markers are in the DOM;
vis-timeline: the first "changed" event once item elements (.vis-item) are in the DOM.
"""

import argparse
import functools
import json
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CACHE, SYNTHETIC_PAIR  # noqa: E402

NPM_DIR = CACHE / "npm"
PACKAGES = {"@knight-lab/timelinejs": "3.9.11", "vis-timeline": "8.5.4"}
# URL prefix -> directory served there.
LIBRARIES = {
    "/timelinejs/": NPM_DIR / "node_modules" / "@knight-lab" / "timelinejs" / "dist",
    "/vis/": NPM_DIR / "node_modules" / "vis-timeline",
}
READY_TIMELINEJS = """
  var tl = new TL.Timeline("timeline-embed", new URL("timelinejs.json", location.href).href,
                           {script_path: location.origin + "/timelinejs/js/", hash_bookmark: false});
  var loaded = false;
  function check() {
    if (window.__benchReady == null && loaded &&
        document.querySelector(".tl-timemarker") && document.querySelector(".tl-slide")) {
      window.__benchReady = performance.now();
    }
  }
  tl.on("loaded", function () { loaded = true; check(); });
  new MutationObserver(check).observe(document.body, {childList: true, subtree: true});
"""
READY_VIS = """
  fetch("vis.json").then(function (r) { return r.json(); }).then(function (data) {
    var timeline = new vis.Timeline(document.getElementById("timeline-embed"),
      new vis.DataSet(data.items), new vis.DataSet(data.groups),
      {stack: false, height: "640px", start: data.start, end: data.end});
    timeline.on("changed", function () {
      if (window.__benchReady == null && document.querySelector(".vis-item")) {
        window.__benchReady = performance.now();
      }
    });
  });
"""
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{css}"><script src="{js}"></script></head>
<body><div id="timeline-embed" style="width:100%;height:640px"></div>
<script>{ready}</script></body></html>
"""


def install():
    """npm install of the pinned libraries into the cache, unless already there."""
    manifest = json.dumps({"private": True, "dependencies": PACKAGES}, indent=1)
    package_json = NPM_DIR / "package.json"
    if package_json.exists() and package_json.read_text() == manifest and all(
        path.is_dir() for path in LIBRARIES.values()
    ):
        return
    print(f"Installing {', '.join(f'{n}@{v}' for n, v in PACKAGES.items())} into {NPM_DIR}…", flush=True)
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    package_json.write_text(manifest)
    # --omit=peer: vis-timeline's standalone build bundles what its peers would bring.
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=peer"],
        cwd=NPM_DIR, check=True,
    )


def write_pages(out):
    out.mkdir(parents=True, exist_ok=True)
    (out / "timelinejs.html").write_text(PAGE.format(
        title="TimelineJS 3", css="/timelinejs/css/timeline.css",
        js="/timelinejs/js/timeline.js", ready=READY_TIMELINEJS,
    ))
    (out / "vis.html").write_text(PAGE.format(
        title="vis-timeline 8", css="/vis/styles/vis-timeline-graph2d.min.css",
        js="/vis/standalone/umd/vis-timeline-graph2d.min.js", ready=READY_VIS,
    ))


def export(out):
    """Runs inside Django (production_env of the bench database)."""
    import django

    django.setup()
    from django.test import Client

    from timeline import selectors
    from timeline.models import Event

    out.mkdir(parents=True, exist_ok=True)
    response = Client(headers={"Host": "127.0.0.1"}).get(f"/api/timelinejs.json?pair={SYNTHETIC_PAIR}")
    if response.status_code != 200:
        raise SystemExit(f"/api/timelinejs.json answered {response.status_code}")
    (out / "timelinejs.json").write_bytes(response.content)

    events = selectors.between(Event.objects.published(), SYNTHETIC_PAIR.split("-"))
    rows = list(events.order_by("start", "pk").values("pk", "title", "kind", "start", "end"))
    items = [
        {"id": row["pk"], "content": row["title"], "group": row["kind"], "start": row["start"].isoformat(),
         **({"end": row["end"].isoformat(), "type": "range"} if row["end"] else {"type": "point"})}
        for row in rows
    ]
    kinds = sorted({row["kind"] for row in rows})
    (out / "vis.json").write_text(json.dumps({
        "items": items,
        "groups": [{"id": kind, "content": kind} for kind in kinds],
        "start": rows[0]["start"].isoformat() if rows else None,
        "end": max((row["end"] or row["start"]) for row in rows).isoformat() if rows else None,
    }))
    write_pages(out)


class Handler(SimpleHTTPRequestHandler):
    def translate_path(self, path):
        for prefix, directory in LIBRARIES.items():
            if path.startswith(prefix):
                return str(directory / path[len(prefix):].split("?")[0])
        return super().translate_path(path)

    def end_headers(self):
        library = any(self.path.startswith(prefix) for prefix in LIBRARIES)
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if library else "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


class StaticServer:
    """`with StaticServer(root) as port:` serves root (the pages) and the libraries."""

    def __init__(self, root):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server.server_address[1]

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Export the bench database's events for the competitors.")
    parser.add_argument("command", choices=["export"])
    parser.add_argument("--out", required=True, type=Path)
    export(parser.parse_args().out)
