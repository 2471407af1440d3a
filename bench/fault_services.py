"""The servers `make faulttest` starts, breaks and starts again, each on its own loopback
port and folder: PostgreSQL (Debian's binaries, run as the `postgres` user when we are
root), Redis, and gunicorn (whose workers it kills)."""

import contextlib
import glob
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from common import ROOT, free_port, start_gunicorn, wait_until_up


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


class Postgres:
    """A throwaway PostgreSQL cluster in a folder of its own."""

    def __init__(self):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
        self.bin = Path(found[-1]) if found else None
        self.port = free_port()
        self.folder = None
        self.as_postgres = os.geteuid() == 0

    def missing(self):
        """Why it cannot run here, or None."""
        if self.bin is None or not (self.bin / "postgres").exists():
            return "no PostgreSQL binaries (Debian package postgresql)"
        if self.as_postgres and run(["id", "postgres"]).returncode != 0:
            return "running as root without a postgres user"
        if not shutil.which("pg_dump"):
            return "no pg_dump (Debian package postgresql-client)"
        return None

    def owner(self, args):
        """`args` as the cluster's owner: root may not run PostgreSQL."""
        if not self.as_postgres:
            return args
        return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(map(str, args))]

    def init(self):
        self.folder = Path(tempfile.mkdtemp(prefix="faulttest-pg-"))
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        initdb = [self.bin / "initdb", "-D", self.folder / "data", "-U", "postgres", "-A", "trust"]
        result = run(self.owner([*initdb, "-E", "UTF8", "--locale=C.UTF-8"]))
        if result.returncode != 0:
            raise SystemExit(f"initdb failed: {result.stderr}")
        self.start()

    def ctl(self, *args):
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        ctl = [self.bin / "pg_ctl", "-D", self.folder / "data", "-w", "-l", self.folder / "log"]
        result = run(self.owner([*ctl, "-o", options, *args]))
        if result.returncode != 0:
            raise SystemExit(f"pg_ctl {' '.join(args)} failed: {result.stdout}{result.stderr}")

    def start(self):
        self.ctl("start")

    def stop(self, mode="fast"):
        """`fast`: every session is terminated at once, as in a restart."""
        self.ctl("-m", mode, "stop")

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def createdb(self, name, template=None):
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        result = run(["createdb", *where, *(["-T", template] if template else []), name])
        if result.returncode != 0:
            raise SystemExit(f"createdb {name} failed: {result.stderr}")

    def destroy(self):
        if self.folder is None:
            return
        with contextlib.suppress(SystemExit):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


class Redis:
    """A redis-server without persistence: stopped, it comes back empty."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise SystemExit(f"redis-server did not answer on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def keys(self):
        return redis.Redis(port=self.port).dbsize()


class Gunicorn:
    """gunicorn on a free port with `env`, its log in `log_path`; a context manager."""

    def __init__(self, env, log_path, workers=2):
        self.env, self.log_path, self.workers = env, log_path, workers
        self.port = free_port()
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "w")
        extra = ["--timeout", "60", "--graceful-timeout", "5"]
        self.process = start_gunicorn(self.env, self.port, self.log, self.workers, extra)
        wait_until_up(self.port, self.process, "/api/")
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def worker_pids(self):
        """The master's children, from /proc (Linux)."""
        pids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.split("/")[2]))
        return sorted(pids)

    def log_text(self):
        self.log.flush()
        return Path(self.log_path).read_text(errors="replace")


def manage(env, *args, check=True, timeout=300):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
