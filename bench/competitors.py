"""TimelineJS 3 and vis-timeline 8 drawing the same events as /embed/, for the browser ratios,
and the floor: plotly.js alone drawing the app's own figure.

- install(): the two libraries from npm into bench/.cache/npm/ (pinned; once, then reused).
- `python bench/competitors.py export --out DIR` (with production_env(db)): the bench
  database's events for the synthetic pair as DIR/timelinejs.json (the app's own
  /api/timelinejs.json) and DIR/vis.json (vis-timeline items, one group per kind, as the
  app has one lane per kind), plus the two pages that draw them.
- write_floor(DIR, embed_html, width): the floor page from the app's /embed/ HTML: the very
  plotly.js file that page loads (copied from the collected static files) and its figure
  JSON, drawn by Plotly.newPlot in a div as wide as the app's chart.
- StaticServer: serves the libraries and the pages on loopback, so nothing is fetched
  from outside; libraries far-future cached (as WhiteNoise serves the app's), pages and
  data never cached (as the app's HTML, which carries its data, is not).

The competitors are used as their users use them: the libraries' default options.
TimelineJS gets only `script_path` (where its own files are hosted: its default is
Knight Lab's CDN); vis-timeline gets items and groups (data) and options `{}` (its height
follows its content, so its container needs none).

"Drawn" is the next frame after each library's own event: each page schedules a
requestAnimationFrame when the event fires and sets window.__benchReady = performance.now()
in its callback. TimelineJS: its "loaded" event has fired and its slides and time markers
are in the DOM; vis-timeline: the first "changed" event once item elements (.vis-item) are
in the DOM; the floor: Plotly.newPlot's promise has resolved.
"""

import argparse
import functools
import json
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CACHE, ROOT, SYNTHETIC_PAIR

NPM_DIR = CACHE / "npm"
PACKAGES = {"@knight-lab/timelinejs": "3.9.11", "vis-timeline": "8.5.4"}
# URL prefix -> directory served there.
LIBRARIES = {
    "/timelinejs/": NPM_DIR / "node_modules" / "@knight-lab" / "timelinejs" / "dist",
    "/vis/": NPM_DIR / "node_modules" / "vis-timeline",
}
# One frame after the page's event: browser.py's REPORTER reads window.__benchReady.
NEXT_FRAME = """
  var drawnScheduled = false;
  function drawnAtNextFrame() {
    if (drawnScheduled) return;
    drawnScheduled = true;
    requestAnimationFrame(function () { window.__benchReady = performance.now(); });
  }
"""
READY_TIMELINEJS = (
    NEXT_FRAME
    + """
  var tl = new TL.Timeline("timeline-embed", new URL("timelinejs.json", location.href).href,
                           {script_path: location.origin + "/timelinejs/js/"});
  var loaded = false;
  function check() {
    if (loaded && document.querySelector(".tl-timemarker") && document.querySelector(".tl-slide")) {
      drawnAtNextFrame();
    }
  }
  tl.on("loaded", function () { loaded = true; check(); });
  new MutationObserver(check).observe(document.body, {childList: true, subtree: true});
"""
)
READY_VIS = (
    NEXT_FRAME
    + """
  fetch("vis.json").then(function (r) { return r.json(); }).then(function (data) {
    var timeline = new vis.Timeline(document.getElementById("timeline-embed"),
      new vis.DataSet(data.items), new vis.DataSet(data.groups), {});
    timeline.on("changed", function () {
      if (document.querySelector(".vis-item")) drawnAtNextFrame();
    });
  });
"""
)
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{css}"><script src="{js}"></script></head>
<body><div id="timeline-embed"{style}></div>
<script>{ready}</script></body></html>
"""
# The floor: the app's plotly.js file, deferred in the head as /embed/ loads it, and the
# app's figure JSON in the same kind of data element; drawn once the document is parsed
# (deferred scripts have run by DOMContentLoaded), with the app's modebar and tips off.
FLOOR_PAGE = (
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Floor: plotly.js alone</title>
<script src="{js}" defer></script></head>
<body style="margin:0"><div id="timeline-chart" style="width:{width}px"></div>
<script id="timeline-figure" type="application/json">{figure}</script>
<script>"""
    + NEXT_FRAME.replace("{", "{{").replace("}", "}}")
    + """
  document.addEventListener("DOMContentLoaded", function () {{
    var figure = JSON.parse(document.getElementById("timeline-figure").textContent);
    Plotly.newPlot(document.getElementById("timeline-chart"), figure.data, figure.layout,
                   {{displayModeBar: false, showTips: false}}).then(drawnAtNextFrame);
  }});
</script></body></html>
"""
)
# Files copied next to the pages (the floor's plotly.js), served far-future cached as
# WhiteNoise serves the app's hashed static files.
COPIED = "/lib/"
FIGURE_RE = re.compile(r'<script id="timeline-figure" type="application/json">(.*?)</script>', re.S)
SCRIPT_SRC_RE = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')


def install():
    """npm install of the pinned libraries into the cache, unless already there."""
    manifest = json.dumps({"private": True, "dependencies": PACKAGES}, indent=1)
    package_json = NPM_DIR / "package.json"
    if (
        package_json.exists()
        and package_json.read_text() == manifest
        and all(path.is_dir() for path in LIBRARIES.values())
    ):
        return
    print(
        f"Installing {', '.join(f'{n}@{v}' for n, v in PACKAGES.items())} into {NPM_DIR}…",
        flush=True,
    )
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    package_json.write_text(manifest)
    # --omit=peer: vis-timeline's standalone build bundles what its peers would bring.
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=peer"],
        cwd=NPM_DIR,
        check=True,
    )


def write_pages(out):
    out.mkdir(parents=True, exist_ok=True)
    # TimelineJS sizes itself to its container (its `height` option defaults to the
    # container's height): the container has one, as its embed docs show.
    (out / "timelinejs.html").write_text(
        PAGE.format(
            title="TimelineJS 3",
            css="/timelinejs/css/timeline.css",
            style=' style="width:100%;height:640px"',
            js="/timelinejs/js/timeline.js",
            ready=READY_TIMELINEJS,
        )
    )
    (out / "vis.html").write_text(
        PAGE.format(
            title="vis-timeline 8",
            css="/vis/styles/vis-timeline-graph2d.min.css",
            style="",
            js="/vis/standalone/umd/vis-timeline-graph2d.min.js",
            ready=READY_VIS,
        )
    )


def plotly_src(embed_html):
    """The src of the plotly.js bundle the /embed/ page loads (not its locale file)."""
    for src in SCRIPT_SRC_RE.findall(embed_html):
        name = src.rsplit("/", 1)[-1]
        if name.startswith("plotly") and "locale" not in name:
            return src
    raise SystemExit('The /embed/ page loads no plotly.js bundle (no <script src="…plotly…">)')


def write_floor(out, embed_html, width, static_url="/static/"):
    """floor.html: plotly.js alone drawing the /embed/ page's figure; returns what it used."""
    src = plotly_src(embed_html)
    found = FIGURE_RE.search(embed_html)
    if not found:
        raise SystemExit(
            'The /embed/ page has no <script id="timeline-figure" type="application/json">'
        )
    path = src.split("?")[0]
    if not path.startswith(static_url):
        raise SystemExit(f"plotly.js is not a collected static file: {src}")
    bundle = ROOT / "staticfiles" / path[len(static_url) :]
    name = bundle.name
    (out / COPIED.strip("/")).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundle, out / COPIED.strip("/") / name)
    # The JSON is kept byte for byte (json_script's escaping keeps it safe in a <script>).
    (out / "floor.html").write_text(
        FLOOR_PAGE.format(js=COPIED + name, width=round(width), figure=found.group(1))
    )
    return {"plotly": name, "width_px": round(width), "figure_bytes": len(found.group(1).encode())}


def export(out):
    """Runs inside Django (production_env of the bench database)."""
    import django

    django.setup()
    from django.test import Client

    from timeline import selectors
    from timeline.models import Event

    out.mkdir(parents=True, exist_ok=True)
    response = Client(headers={"Host": "127.0.0.1"}).get(
        f"/api/timelinejs.json?pair={SYNTHETIC_PAIR}"
    )
    if response.status_code != 200:
        raise SystemExit(f"/api/timelinejs.json answered {response.status_code}")
    (out / "timelinejs.json").write_bytes(response.content)

    events = selectors.between(Event.objects.published(), SYNTHETIC_PAIR.split("-"))
    rows = list(events.order_by("start", "pk").values("pk", "title", "kind", "start", "end"))
    items = [
        {
            "id": row["pk"],
            "content": row["title"],
            "group": row["kind"],
            "start": row["start"].isoformat(),
            **(
                {"end": row["end"].isoformat(), "type": "range"}
                if row["end"]
                else {"type": "point"}
            ),
        }
        for row in rows
    ]
    kinds = sorted({row["kind"] for row in rows})
    (out / "vis.json").write_text(
        json.dumps(
            {
                "items": items,
                "groups": [{"id": kind, "content": kind} for kind in kinds],
                "start": rows[0]["start"].isoformat() if rows else None,
                "end": max((row["end"] or row["start"]) for row in rows).isoformat()
                if rows
                else None,
            }
        )
    )
    write_pages(out)


class Handler(SimpleHTTPRequestHandler):
    def translate_path(self, path):
        for prefix, directory in LIBRARIES.items():
            if path.startswith(prefix):
                return str(directory / path[len(prefix) :].split("?")[0])
        return super().translate_path(path)

    def end_headers(self):
        library = any(self.path.startswith(prefix) for prefix in (*LIBRARIES, COPIED))
        self.send_header(
            "Cache-Control", "public, max-age=31536000, immutable" if library else "no-store"
        )
        super().end_headers()

    def log_message(self, *args):
        pass


class StaticServer:
    """`with StaticServer(root) as port:` serves root (the pages) and the libraries."""

    def __init__(self, root):
        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server.server_address[1]

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description="Export the bench database's events for the competitors."
    )
    parser.add_argument("command", choices=["export"])
    parser.add_argument("--out", required=True, type=Path)
    export(parser.parse_args().out)
