#!/usr/bin/env python3
"""`make faulttest`: the faults of issue 18, on loopback, each started and stopped here.

1. Redis stops in the middle of a load run and comes back: pages answer 200, one warning
   per worker each way, the admin login refuses meanwhile and throttles again after.
2. PostgreSQL restarts in the middle of a load run while a curator saves events: 503 with
   Retry-After meanwhile, every worker recovers, no save lost or half-written.
3. SQLite under a 10,000-row TimelineJS import in one transaction: readers are not
   blocked, a curator's save waits or is told "busy, try again" (503), never a 500.
4. A full disk during `make backup` (a 256 KiB tmpfs): a clear message, a non-zero exit, no
   half-written file, the earlier backup untouched.
5. `make restore` of truncated, random, empty, damaged or foreign backups: refused, the
   live data unchanged; restores killed half-way leave the old data or the new.
6. kill -9 of gunicorn workers under load: no committed save lost, the master replaces
   them, the requests they were serving counted apart ("cut").

Each scenario runs on SQLite and on PostgreSQL where it applies (PostgreSQL only when its
binaries are installed: "skipped" otherwise), in about 30 s or less, on a database of its
own (a copy of the load test's: the shipped dataset and 2,000 synthetic events). Prints a
table (scenario, requests, answers by status, writes attempted / saved / reported failed /
lost) and exits non-zero on any lost write, any 5xx but an allowed 503, a traceback in an
answer, or a scenario's own check failing. `--fast`: scenarios 4 and 5 on SQLite (CI).
"""

import argparse
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

import fault_scenarios as scenarios
from common import CACHE, ROOT, cached_database, database_recipe_hash, production_env
from fault_services import Postgres, manage
from fault_traffic import synthetic_event_ids

EVENTS = 2000  # synthetic events, as `make loadtest` (its cached database is reused)
STAFF = (
    "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group;"
    " u = get_user_model().objects.create_user({0!r}, password={1!r}, is_staff=True);"
    " u.groups.add(Group.objects.get(name='Editor'))"
)


class Context:
    """What the scenarios share: the work folder, the curator's login, the databases."""

    def __init__(self, workdir, postgres):
        self.workdir, self.postgres = workdir, postgres
        self.username, self.password = "faulttest", "fault-" + Path(workdir).name
        self.sqlite_base = None
        self.count = Counter()
        self.ids = {}

    def prepare_sqlite(self):
        self.sqlite_base = self.workdir / "base.sqlite3"
        shutil.copyfile(cached_database("loadtest", EVENTS), self.sqlite_base)
        manage(production_env(self.sqlite_base), "shell", "-c", STAFF.format(*self.login))

    def prepare_postgres(self):
        """A `base` database (restored from bench/.cache/ when built before), then a clone
        per scenario (createdb -T base)."""
        self.postgres.init()
        self.postgres.createdb("base")
        env = self.postgres_env("base")
        dump = CACHE / f"faulttest-pg-{database_recipe_hash(EVENTS)}.dump"
        if dump.exists():
            manage(env, "restore_db", str(dump), "--no-safety-backup")
        else:
            print("Building the PostgreSQL database (once: kept in bench/.cache/)…", flush=True)
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_dataset")
            manage(env, "generate_events", "--count", str(EVENTS))
            made = manage(env, "backup_db", "--dir", str(self.workdir / "pg-dump"))
            CACHE.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(made.stdout.split()[-1], dump)
        manage(env, "shell", "-c", STAFF.format(*self.login))

    @property
    def login(self):
        return self.username, self.password

    def postgres_env(self, name):
        return {
            **production_env(self.workdir / "unused.sqlite3"),
            "DATABASE_URL": self.postgres.url(name),
        }

    def database(self, kind, scenario):
        """A fresh database for one scenario, copied from the base."""
        self.count[kind] += 1
        name = f"{scenario.replace('-', '_')}_{self.count[kind]}"
        if kind == "sqlite":
            path = self.workdir / f"{name}.sqlite3"
            shutil.copyfile(self.sqlite_base, path)
            return scenarios.Database("SQLite", kind, str(path), production_env(path))
        self.postgres.createdb(name, template="base")  # a file copy: nothing is connected to base
        env = self.postgres_env(name)
        return scenarios.Database("PostgreSQL", kind, self.postgres.url(name), env)

    def event_ids(self, db):
        if db.where not in self.ids:
            self.ids[db.where] = synthetic_event_ids(db.ref)
        return self.ids[db.where]

    def foreign_backup(self, db, folder):
        """A backup of a database that is not this site's."""
        if db.kind == "sqlite":
            path = folder / "notes.sqlite3"
            conn = sqlite3.connect(path)
            conn.execute("CREATE TABLE notes (body TEXT)")
            conn.commit()
            conn.close()
            return path
        self.postgres.createdb("foreign")
        made = manage(self.postgres_env("foreign"), "backup_db", "--dir", str(folder / "foreign"))
        return Path(made.stdout.split()[-1])


# --- the table ---------------------------------------------------------------------------------
def answers_by_status(row):
    counted = Counter(a.status or "no answer" for a in row.answers if not a.cut)
    text = ", ".join(f"{status} ×{n:,}" for status, n in sorted(counted.items(), key=str))
    return text + (f", cut ×{row.cut}" if row.cut else "")


def writes_of(row):
    if row.writes is None:
        return "—"
    w = row.writes
    return f"{w['attempted']} / {w['saved']} / {w['reported failed']} / {w['lost']}"


def print_table(rows):
    head = ("scenario", "database", "requests", "answers by status", "writes a/s/f/lost", "result")
    widths = (34, 10, 8, 40, 17)
    print("\n" + " ".join(h.ljust(w) for h, w in zip(head, widths)) + " " + head[-1])
    for row in rows:
        requests = f"{len(row.answers):,}" if row.answers else "—"
        result = row.skipped or ("FAILED" if row.problems else "ok")
        cells = (
            row.scenario,
            row.database,
            requests,
            answers_by_status(row) or "—",
            writes_of(row),
        )
        print(" ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " " + result)
        for line in row.notes:
            print(f"    {line}")
        for line in row.problems:
            print(f"    PROBLEM: {line}")


# --- main ----------------------------------------------------------------------------------------
def chosen(args):
    names = list(scenarios.SCENARIOS)
    if args.only:
        names = [n for n in args.only.split(",") if n]
        unknown = set(names) - set(scenarios.SCENARIOS)
        if unknown:
            raise SystemExit(
                f"--only: unknown {sorted(unknown)}; known: {', '.join(scenarios.SCENARIOS)}"
            )
    if args.fast:
        names = [n for n in names if n in scenarios.FAST]
    return names


def run_all(ctx, names, sqlite_only, postgres_missing):
    rows = []
    for name in names:
        function, kinds, title = scenarios.SCENARIOS[name]
        for kind in kinds:
            if kind == "postgresql" and (sqlite_only or postgres_missing):
                why = sqlite_only or postgres_missing
                rows.append(scenarios.Row(title, "PostgreSQL", skipped=f"skipped: {why}"))
                continue
            db = ctx.database(kind, name)
            print(f"{title} on {db.label}…", flush=True)
            row = function(ctx, db)
            row.scenario = title
            rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast", action="store_true", help="the scenarios cheap enough for CI")
    parser.add_argument(
        "--only", default="", help=f"comma-separated: {', '.join(scenarios.SCENARIOS)}"
    )
    parser.add_argument(
        "--sqlite-only", action="store_true", help="skip the PostgreSQL runs (as --fast does)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    names = chosen(args)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit(
            "No collected static files: run `make collectstatic` (make faulttest does)."
        )
    workdir = Path(tempfile.mkdtemp(prefix="faulttest-"))
    postgres = Postgres()
    sqlite_only = "--fast runs SQLite only" if args.fast else args.sqlite_only and "--sqlite-only"
    needs_postgres = not sqlite_only and any(
        "postgresql" in scenarios.SCENARIOS[n][1] for n in names
    )
    missing = postgres.missing() if needs_postgres else None
    ctx = Context(workdir, postgres)
    failed = True
    try:
        ctx.prepare_sqlite()
        if needs_postgres and not missing:
            ctx.prepare_postgres()
        rows = run_all(ctx, names, sqlite_only, missing)
        print_table(rows)
        failed = any(row.problems for row in rows)
        print("\nFAILED" if failed else "\nOK: every fault survived, nothing lost")
        return 1 if failed else 0
    finally:
        postgres.destroy()
        if args.keep or failed:
            print(f"kept: {workdir} (gunicorn's logs)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
