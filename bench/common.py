"""What the load test and the benchmark share: production-like settings on a throwaway
SQLite database built once and cached in bench/.cache/, and gunicorn on a free loopback port.
"""

import hashlib
import http.client
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
SYNTHETIC_PAIR = "XA-XB"  # the synthetic events' pair (timeline/synthetic.py)


def production_env(db_path):
    """The environment of a production process (DEBUG off) on the SQLite file `db_path`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        SQLITE_PATH=str(db_path),
        DEBUG="0",
        SECRET_KEY="bench-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        DJANGO_SETTINGS_MODULE="diplomacy_site.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


def database_recipe_hash(events):
    """Changes when anything that builds the database does (migrations, fixtures, generator)."""
    digest = hashlib.sha256(str(events).encode())
    parts = sorted((ROOT / "timeline" / "migrations").glob("*.py"))
    parts += sorted((ROOT / "timeline" / "datasets").rglob("*"))
    parts += [ROOT / "timeline" / "synthetic.py", ROOT / "timeline" / "dataset.py"]
    for path in parts:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def synthetic_count(db_path):
    """Published synthetic events in the database, or None if it is not a usable database."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return conn.execute(
            "SELECT count(*) FROM timeline_event WHERE slug LIKE 'synthetic-%' AND state = 'published'"
        ).fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def cached_database(name, synthetic_events):
    """The path of a database (migrated, shipped dataset, `synthetic_events` synthetic events)
    in bench/.cache/, built first if missing or wrong; the cached file is never written to
    afterwards: copy it before serving writes."""
    cached = CACHE / f"{name}-{synthetic_events}-{database_recipe_hash(synthetic_events)}.sqlite3"
    if cached.exists() and synthetic_count(cached) == synthetic_events:
        return cached
    print(
        f"Building {cached.relative_to(ROOT)} ({synthetic_events:,} synthetic events)…", flush=True
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    building = cached.with_suffix(".building")
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        stale.unlink(missing_ok=True)
    env = production_env(building)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_dataset")
    if synthetic_events:
        manage(env, "generate_events", "--count", str(synthetic_events))  # prints its progress
    conn = sqlite3.connect(building)
    try:  # one self-contained file: the last connection to close removes -wal and -shm
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    shutil.move(building, cached)
    return cached


def copy_database(cached, workdir, name="db.sqlite3"):
    db = Path(workdir) / name
    shutil.copyfile(cached, db)
    return db


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None, timeout=60):
    """(status, body) of a GET on loopback."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_gunicorn(env, port, log, workers=1, extra=()):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "diplomacy_site.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--capture-output",
            *extra,
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(port, server, path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode} before serving")
        try:
            if get(port, path, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer on port {port} within {seconds} s")


def stop(process, timeout=30):
    """Terminate a child process we started, killing it if it does not exit."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
