"""`make restore FILE=backups/…`: put a backup made by `backup_db` back in place.

The backup is checked before anything is touched, and refused with the problem named: not a
backup, empty, truncated, failing SQLite's integrity check or pg_restore's full read, or a
database of something else (no `timeline_event`). Then the current data is backed up beside
(backups/pre-restore-…), so a restore of the wrong file can itself be undone.

SQLite: the backup API copies the file into the live database in one write transaction,
journaled like any other (WAL): a restore killed half-way leaves the old data, a finished
one the new, never a mix; running processes wait for it like for any writer and see the
restored data on their next transaction. (Renaming a copy over the live file instead would
leave running processes writing to the old, unlinked file, and the live -wal file's frames
applied to the wrong database.) PostgreSQL: `pg_restore --clean --if-exists` in a single
transaction (all or nothing).
"""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup_db import (
    DEFAULT_DIR,
    backup_database,
    engine,
    postgres_args,
    sqlite_copy,
    sqlite_regexp,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
USAGE = "make restore FILE=backups/db-YYYYmmdd-HHMMSS.sqlite3 (or .dump on PostgreSQL)"
# Tables any database of this site has: a backup without them is of something else.
EXPECTED_TABLES = ("django_migrations", "timeline_event")


def kind_of(path):
    with open(path, "rb") as file:
        head = file.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def sqlite_truncation(path):
    """A message when the file is shorter than its header says, else None."""
    size = path.stat().st_size
    with open(path, "rb") as file:
        header = file.read(100)
    if len(header) < 100:
        return f"truncated: {size} bytes, shorter than a SQLite header"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid when written by a SQLite that kept it (since 3.7.0).
    counted = header[24:28] == header[92:96] and pages > 0
    if counted and size < page_size * pages:
        return f"truncated: {size:,} bytes of the {page_size * pages:,} its header announces"
    if page_size and size % page_size:
        return f"truncated: {size:,} bytes is not a whole number of {page_size}-byte pages"
    return None


def check_sqlite_backup(path):
    """Refuse a SQLite file that is not a whole, sound database of this site."""
    problem = sqlite_truncation(path)
    if problem:
        raise CommandError(f"{path} is {problem}. Nothing restored.")
    # Read-only and immutable: checking a file must not write beside it (-wal, -shm).
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro&immutable=1", uri=True)
    conn.create_function("REGEXP", 2, sqlite_regexp, deterministic=True)  # CHECKs use it
    try:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} is damaged ({error}). Nothing restored.") from None
    finally:
        conn.close()
    if found != ["ok"]:
        raise CommandError(
            f"{path} failed the integrity check: {'; '.join(found)}. Nothing restored."
        )
    missing = [table for table in EXPECTED_TABLES if table not in tables]
    if missing:
        raise CommandError(
            f"{path} is a SQLite database but not this site's (no {', '.join(missing)} "
            "table). Nothing restored."
        )


def check_postgres_backup(path):
    """Refuse a pg_dump archive that pg_restore cannot read to its end, or of another site."""
    listed = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True)
    if listed.returncode != 0:
        raise CommandError(f"{path} is not a readable pg_dump archive: {listed.stderr.strip()}")
    if " TABLE public timeline_event " not in listed.stdout:
        raise CommandError(f"{path} is a pg_dump archive but not this site's (no timeline_event).")
    # The table of contents comes first: only reading the data finds a truncated archive.
    read = subprocess.run(
        ["pg_restore", "--file=/dev/null", str(path)], capture_output=True, text=True
    )
    if read.returncode != 0:
        raise CommandError(
            f"{path} is truncated or damaged: {read.stderr.strip()}. Nothing restored."
        )


def check_backup(path):
    """The backup's kind ("sqlite", "postgresql") once it is known to be whole and ours."""
    if not path.is_file():
        raise CommandError(f"No backup file at {path}. The backups are in {DEFAULT_DIR}.")
    if path.stat().st_size == 0:
        raise CommandError(f"{path} is empty (0 bytes): not a backup. Nothing restored.")
    kind = kind_of(path)
    if kind is None:
        raise CommandError(f"{path} is neither a SQLite database nor a pg_dump custom archive.")
    if kind != engine():
        raise CommandError(
            f"{path} is a {kind} backup but the database is {engine()}: nothing restored."
        )
    (check_sqlite_backup if kind == "sqlite" else check_postgres_backup)(path)
    return kind


def pg_restore(path):
    args, env = postgres_args()
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        + ["--exit-on-error", *args, str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise CommandError(f"pg_restore failed (nothing changed): {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Replace the database's data with a backup made by backup_db (`make restore FILE=…`)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The backup file to restore.")
        parser.add_argument(
            "--dir",
            default=str(DEFAULT_DIR),
            help="Where to keep the backup of the current data taken first (default: backups/).",
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="Do not back up the current data before replacing it.",
        )

    def handle(self, file, dir, no_safety_backup, **options):
        if not file:
            raise CommandError(f"Which backup? Name the file to restore: {USAGE}")
        path = Path(file)
        kind = check_backup(path)
        live = connection.settings_dict["NAME"]
        if not no_safety_backup and (kind != "sqlite" or Path(live).exists()):
            # A safety copy that cannot be written stops the restore: nothing replaced.
            saved = backup_database(dir, prefix="pre-restore")
            self.stdout.write(f"The current data was backed up first: {saved}")

        connection.close()
        if kind == "sqlite":
            sqlite_copy(path, live, journal_mode="WAL")
        else:
            pg_restore(path)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
