"""The six faults of `make faulttest` (issue 18), each a function (ctx, database) → Row that
starts what it needs, breaks it, and says what went wrong; bench/faulttest.py runs them and
prints the table."""

import csv
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT
from fault_services import Gunicorn, Redis, manage
from fault_traffic import (
    LOCKED,
    LOGIN_UNAVAILABLE,
    Curator,
    Readers,
    check_writes,
    read_rows,
    statuses,
)

WORKERS = 2  # gunicorn workers: the machine has two cores


@dataclass
class Database:
    """A database of a scenario's own: its engine, and the environment of processes on it."""

    label: str  # "SQLite" or "PostgreSQL"
    kind: str  # "sqlite" or "postgresql"
    where: str  # the file, or the URL
    env: dict

    @property
    def ref(self):
        return (self.kind, self.where)


@dataclass
class Row:
    scenario: str
    database: str
    answers: list = field(default_factory=list)
    cut: int = 0  # requests cut by a killed worker: counted apart, not as errors
    writes: Counter | None = None
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    skipped: str = ""


def judge(row, *, may_503=False):
    """The problems every load run shares: a 5xx other than an allowed 503, a 503 without
    Retry-After, a traceback in an answer, a request without an answer, a write lost."""
    answers = [a for a in row.answers if not a.cut]
    for status, count in sorted(statuses(answers).items(), key=str):
        if status == 503 and may_503:
            continue
        if status == "no answer" or status >= 500:
            row.problems.append(f"{count} × {status}")
    if sum(a.status == 503 and not a.retry_after for a in answers):
        row.problems.append("a 503 without Retry-After")
    if sum(a.traced for a in answers):
        row.problems.append(f"{sum(a.traced for a in answers)} answers with a traceback")
    writes = row.writes or Counter()
    for what in ("lost", "half-written", "refused but saved"):
        if writes[what]:
            row.problems.append(f"{writes[what]} writes {what}")


def server_log_problems(log):
    problems = []
    if log.count("Traceback"):
        problems.append(f"{log.count('Traceback')} tracebacks in gunicorn's log")
    return problems


def curate(ctx, server, db, seconds, interval):
    """A logged-in curator saving events for `seconds`, in a thread."""
    curator = Curator(server.port, ctx.username, ctx.password, ctx.event_ids(db))
    status, _ = curator.login()
    if status != 302:
        raise SystemExit(f"the curator could not log in (HTTP {status})")
    return curator, curator.start(seconds, interval)


# --- 1. Redis stops in the middle of a load run and comes back --------------------------------
def login_probes(port, username, password, down):
    """Problems of the login throttle: while Redis is down every attempt is refused with
    the message, the right password too; once back, five failures lock the account."""
    probe = Curator(port, username, password, [])
    if down:
        results = [probe.login("wrong") for _ in range(3)] + [probe.login()]
        if any(LOGIN_UNAVAILABLE not in body for _, body in results):
            return ["the login was not refused while Redis was down (throttle failed open)"]
        return []
    if probe.login()[0] != 302:
        return ["the curator could not log in once Redis was back"]
    stranger = f"nobody{random.randrange(10**6)}"
    for _ in range(5):
        probe.login("wrong", username=stranger)
    if LOCKED not in probe.login("wrong", username=stranger)[1]:
        return ["the login throttle did not lock after five failures once Redis was back"]
    return []


def redis_stops(ctx, db):
    row = Row("", db.label)
    cache = Redis()
    cache.start()
    try:
        env = {**db.env, "REDIS_URL": cache.url}
        with Gunicorn(env, ctx.workdir / f"redis-{db.kind}.log", WORKERS) as server:
            curator, writer = curate(ctx, server, db, 16, 0.3)
            readers = Readers(server.port).start(16)
            time.sleep(4)
            cache.stop()
            time.sleep(1)
            row.problems += login_probes(server.port, ctx.username, ctx.password, down=True)
            time.sleep(3)
            cache.start()
            time.sleep(3)  # the workers ask Redis again 2 s after a failure
            row.problems += login_probes(server.port, ctx.username, ctx.password, down=False)
            row.answers = readers.join()
            writer.join()
            log = server.log_text()
        row.answers += curator.answers
        row.writes = check_writes(db.ref, curator.attempts)
        went, back = log.count("Cache unreachable"), log.count("Cache reachable again")
        row.notes.append(f"log: {went} × cache unreachable, {back} × reachable again")
        if not 1 <= went <= WORKERS or not 1 <= back <= WORKERS:
            row.problems.append("not logged once per worker when Redis went and came back")
        if cache.keys() == 0:
            row.problems.append("the cache was not used again once Redis was back")
        row.problems += server_log_problems(log)
    finally:
        cache.stop()
    judge(row)
    return row


# --- 2. PostgreSQL restarts in the middle of a load run, a curator saving -------------------
def postgres_restarts(ctx, db):
    row = Row("", db.label)
    with Gunicorn(db.env, ctx.workdir / "postgres-restart.log", WORKERS) as server:
        curator, writer = curate(ctx, server, db, 18, 0.2)
        readers = Readers(server.port).start(18)
        time.sleep(4)
        ctx.postgres.stop("fast")  # every session terminated, as in a restart
        time.sleep(5)
        ctx.postgres.start()
        back = time.monotonic()
        row.answers = readers.join()
        writer.join()
        log = server.log_text()
    row.answers += curator.answers
    row.writes = check_writes(db.ref, curator.attempts)
    after = [a for a in row.answers if a.start > back + 1]
    failed_after = [a for a in after if a.status not in (200, 302)]
    row.notes.append(
        f"{len(after)} requests from 1 s after the restart, {len(failed_after)} not OK"
    )
    if failed_after or not after:
        row.problems.append("the workers did not all recover once PostgreSQL was back")
    down = statuses(row.answers)[503]
    row.notes.append(f"{down} answered 503 while it was down")
    row.problems += server_log_problems(log)
    judge(row, may_503=True)
    return row


# --- 3. SQLite under a long write: a 10,000-row TimelineJS import in one transaction ----------
def large_sheet(path, rows=10_000):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Year", "Month", "Day", "Headline", "Text", "Media", "Media Credit"])
        for n in range(rows):
            date = [1990 + n % 35, 1 + n % 12, 1 + n % 28]
            writer.writerow(
                [*date, f"Imported event {n}", f"<p>Row {n}.</p>"]
                + [
                    f"https://faulttest.example/import/{n}",
                    "Example News",
                ]
            )


def sqlite_long_write(ctx, db):
    row = Row("", db.label)
    sheet = ctx.workdir / "ten-thousand.csv"
    large_sheet(sheet)
    dashboard = ["/", "/?pair=XA-XB", "/fr/", "/embed/?pair=XA-XB"]
    with Gunicorn(db.env, ctx.workdir / "sqlite-import.log", WORKERS) as server:
        curator, writer = curate(ctx, server, db, 20, 0.2)
        readers = Readers(server.port, paths=dashboard).start(20)
        time.sleep(2)
        started = time.monotonic()
        importer = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "import_timelinejs", str(sheet)]
            + ["--pair", "XA-XB", "--publish"],
            env=db.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        took = time.monotonic() - started
        row.answers = readers.join()
        writer.join()
        log = server.log_text()
    row.answers += curator.answers
    row.writes = check_writes(db.ref, curator.attempts)
    imported = read_rows(
        db.ref, "SELECT count(*) FROM timeline_event WHERE title LIKE 'Imported event %'", ()
    )[0][0]
    row.notes.append(f"import: {imported:,} events in {took:.1f} s (exit {importer.returncode})")
    if importer.returncode != 0 or imported != 10_000:
        row.problems.append(f"the import failed: {importer.stderr.strip()[-300:]}")
    slowest = max((a.end - a.start for a in row.answers if a.path in dashboard), default=0)
    row.notes.append(f"slowest reader {slowest:.2f} s")
    busy = sum(a.told == "refused" for a in curator.attempts)
    row.notes.append(f"{busy} saves told 'busy, try again' (503)")
    if "database is locked" in log and "503 for" not in log:
        row.problems.append("'database is locked' in the log without a 503")
    row.problems += server_log_problems(log)
    judge(row, may_503=True)
    if any(a.status == 503 and a.path in dashboard for a in row.answers):
        row.problems.append("readers got 503 during the import: they were blocked")
    return row


# --- 4. A full disk during `make backup` ------------------------------------------------------
def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def backup_full_disk(ctx, db):
    row = Row("", db.label)
    folder = ctx.workdir / f"small-disk-{db.kind}"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        row.skipped = "skipped: cannot mount a 256 KiB tmpfs (needs root)"
        return row
    try:
        earlier = folder / ("db-20200101-000000" + (".sqlite3" if db.kind == "sqlite" else ".dump"))
        earlier.write_bytes(os.urandom(192 * 1024))
        before = sha256(earlier)
        result = manage(db.env, "backup_db", "--dir", str(folder), check=False)
        left = sorted(p.name for p in folder.iterdir())
        said = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        row.notes.append(said.removeprefix("CommandError: ")[:200])
        if result.returncode == 0:
            row.problems.append("backup_db succeeded on a full disk")
        if f"Could not write the backup in {folder}" not in result.stderr:
            row.problems.append("no clear message naming the folder")
        if "Traceback" in result.stderr:
            row.problems.append("a traceback instead of a message")
        if left != [earlier.name] or sha256(earlier) != before:
            row.problems.append(f"the folder holds {left}: not only the untouched earlier backup")
    finally:
        subprocess.run(["umount", str(folder)], check=False)
    return row


# --- 5. A corrupt or truncated backup, a restore killed half-way ----------------------------
def fingerprint(db):
    rows = read_rows(db.ref, "SELECT id, title FROM timeline_event ORDER BY id", ())
    integrity = "ok"
    if db.kind == "sqlite":
        integrity = read_rows(db.ref, "PRAGMA quick_check", ())[0][0]
    return integrity, hashlib.sha256(repr(rows).encode()).hexdigest()


def bad_backups(ctx, db, good):
    """{name: path} of backups restore_db must refuse."""
    folder = ctx.workdir / f"bad-{db.kind}"
    folder.mkdir()
    data = good.read_bytes()
    damaged = bytearray(data)
    damaged[len(data) // 2 : len(data) // 2 + 8192] = bytes(range(256)) * 32
    files = {
        "truncated": data[: len(data) // 2],
        "random bytes": os.urandom(64 * 1024),
        "empty": b"",
        "damaged": bytes(damaged),
    }
    found = {}
    for name, content in files.items():
        found[name] = folder / f"{name.replace(' ', '-')}{good.suffix}"
        found[name].write_bytes(content)
    found["not this site's"] = ctx.foreign_backup(db, folder)
    return found


def refusals(ctx, db, good):
    problems = []
    before = fingerprint(db)
    for name, path in bad_backups(ctx, db, good).items():
        result = manage(db.env, "restore_db", str(path), "--dir", str(ctx.workdir), check=False)
        if result.returncode == 0 or str(path) not in result.stderr:
            problems.append(f"{name} backup not refused with a message naming it")
        if "Traceback" in result.stderr:
            problems.append(f"{name} backup: a traceback instead of a message")
    if fingerprint(db) != before:
        problems.append("the live data changed although every restore was refused")
    return problems


def killed_restores(ctx, db, old, new):
    """(problems, outcomes) of restores of `new` killed after increasing delays."""
    states = {"old": fingerprint(db)}
    manage(db.env, "restore_db", str(new), "--no-safety-backup")
    states["new"] = fingerprint(db)
    manage(db.env, "restore_db", str(old), "--no-safety-backup")
    delays = [0, 0.004, 0.008, 0.012, 0.02, 0.1] if db.kind == "sqlite" else [0, 0.2, 0.4, 0.7]
    problems, outcomes = [], Counter()
    for delay in delays:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "restore_db", str(new)]
            + ["--dir", str(ctx.workdir / "safety")],
            env={**db.env, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # pg_restore is killed with it
        )
        for line in process.stdout:
            if "backed up first" in line:
                break
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        found = fingerprint(db)
        outcome = next((name for name, state in states.items() if state == found), "a mix")
        outcomes[outcome] += 1
        if outcome == "a mix":
            problems.append(f"killed after {delay} s: neither the old data nor the new {found[0]}")
        if outcome == "new":
            manage(db.env, "restore_db", str(old), "--no-safety-backup")
    return problems, outcomes


def restore_faults(ctx, db):
    row = Row("", db.label)
    backups = ctx.workdir / f"backups-{db.kind}"
    old = Path(manage(db.env, "backup_db", "--dir", str(backups)).stdout.split()[-1])
    manage(db.env, "generate_events", "--count", "300", "--seed", "5")
    new = Path(manage(db.env, "backup_db", "--dir", str(backups)).stdout.split()[-1])
    manage(db.env, "restore_db", str(old), "--no-safety-backup")
    row.problems += refusals(ctx, db, new)
    problems, outcomes = killed_restores(ctx, db, old, new)
    row.problems += problems
    row.notes.append(
        "5 bad backups refused; restores killed: "
        + ", ".join(f"{n} left the {what} data" for what, n in sorted(outcomes.items()))
    )
    return row


# --- 6. kill -9 of a gunicorn worker mid-request under load ----------------------------------
def cut_by(answers, kills):
    """Mark the requests without an answer that were in flight when a worker was killed."""
    cut = 0
    for answer in answers:
        if answer.status is None and any(answer.start <= t <= answer.end + 0.05 for t in kills):
            answer.cut = True
            cut += 1
    return cut


def killed_worker(ctx, db):
    row = Row("", db.label)
    kills = []
    with Gunicorn(db.env, ctx.workdir / f"killed-{db.kind}.log", WORKERS) as server:
        curator, writer = curate(ctx, server, db, 14, 0.1)
        readers = Readers(server.port, connections=8).start(14)
        for _ in range(3):
            time.sleep(3.5)
            workers = server.worker_pids()
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                kills.append(time.monotonic())
        row.answers = readers.join()
        writer.join()
        deadline = time.monotonic() + 15
        while len(server.worker_pids()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        replaced = len(server.worker_pids())
        log = server.log_text()
    row.answers += curator.answers
    row.cut = cut_by(row.answers, kills)
    row.writes = check_writes(db.ref, curator.attempts)
    row.notes.append(
        f"{len(kills)} workers killed, {row.cut} requests cut; {replaced} workers after"
    )
    if replaced < WORKERS:
        row.problems.append("the master did not replace the killed workers")
    row.problems += server_log_problems(log)
    judge(row)
    return row


# name: (scenario, the engines it applies to, its title in the table)
SCENARIOS = {
    "redis": (redis_stops, ("sqlite", "postgresql"), "1. Redis stops mid-load, returns"),
    "postgres": (postgres_restarts, ("postgresql",), "2. PostgreSQL restarts mid-load"),
    "sqlite-import": (sqlite_long_write, ("sqlite",), "3. SQLite: 10,000-row import"),
    "backup-disk-full": (backup_full_disk, ("sqlite", "postgresql"), "4. backup onto a full disk"),
    "restore": (restore_faults, ("sqlite", "postgresql"), "5. restore: bad backup, killed"),
    "killed-worker": (killed_worker, ("sqlite", "postgresql"), "6. kill -9 of workers mid-load"),
}
# Cheap enough for CI (`--fast`): no load run, a few seconds each, SQLite only.
FAST = ("backup-disk-full", "restore")
