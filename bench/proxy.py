"""nginx's proxy cache in front of gunicorn on loopback, for `make loadtest PROXY=1`: the
deployment's own configuration (deploy/nginx.conf), filled in for a temporary folder."""

import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from common import ROOT, free_port, get

TEMPLATE = ROOT / "deploy" / "nginx.conf"
# What nginx's $upstream_cache_status says of a request Django did not render.
SERVED_FROM_CACHE = {"HIT", "STALE", "UPDATING", "REVALIDATED"}


def nginx_binary():
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not found:
        raise SystemExit("nginx is not installed: run  scripts/system-packages proxy")
    return found


def start_nginx(upstream_port, workdir):
    """(process, port): nginx in the foreground, its cache, pid and logs under workdir."""
    run_dir, cache_dir = workdir / "nginx", workdir / "nginx-cache"
    run_dir.mkdir(), cache_dir.mkdir()
    port = free_port()
    # As root, nginx's workers would switch to a user who cannot write the folder.
    user = "user root;" if os.geteuid() == 0 else ""
    config = TEMPLATE.read_text()
    for name, value in {
        "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM@": f"127.0.0.1:{upstream_port}",
        "@CACHE_DIR@": str(cache_dir),
        "@RUN_DIR@": str(run_dir),
        "@USER@": user,
    }.items():
        config = config.replace(name, value)
    conf = run_dir / "nginx.conf"
    conf.write_text(config)
    process = subprocess.Popen(
        [nginx_binary(), "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(run_dir / "stderr.log", "w"),  # noqa: SIM115 (closed with the process)
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"nginx exited: {(run_dir / 'stderr.log').read_text()}")
        try:
            get(port, "/api/", timeout=5)
            return process, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("nginx did not answer within 20 s")


def cache_statuses(workdir):
    """Counter of $upstream_cache_status over the access log ("-" for bypassed requests)."""
    log = workdir / "nginx" / "access.log"
    counts = Counter()
    for line in log.read_text(errors="replace").splitlines():
        counts[line.split(" ", 1)[0]] += 1
    return counts


def seconds_until_visible(port, path, marker, timeout=30):
    """How long until a GET of path through the proxy shows marker (polled every 20 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        status, body = get(port, path)
        if status == 200 and marker.encode() in body:
            return time.perf_counter() - started
        time.sleep(0.02)
    return None
