"""`make backup`: a consistent copy of the database, taken while the site keeps running.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database as of one
read transaction; in WAL mode writers are not blocked meanwhile. The copy is switched out of
WAL so it is one self-contained file, checked (`PRAGMA quick_check`), then renamed into place.
PostgreSQL: `pg_dump --format=custom`, also written beside and renamed when complete.

Either way the copy is written under a temporary name (`….partial`), flushed to the disk and
only then renamed: a full disk or a failure half-way leaves no half-written file under a
backup's name (the temporary one is removed), the earlier backups are not touched, and the
command says which folder and why, with a non-zero exit.
"""

import errno
import os
import re
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

DEFAULT_DIR = Path(settings.BASE_DIR) / "backups"


def engine():
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"Backups know SQLite and PostgreSQL, not {vendor}.")
    return vendor


def backup_path(directory, prefix="db"):
    suffix = ".sqlite3" if engine() == "sqlite" else ".dump"
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"Cannot make the backup folder {directory}: {reason(error)}.") from None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"{prefix}-{stamp}{suffix}"
    n = 1
    while path.exists():  # two backups in the same second
        n += 1
        path = directory / f"{prefix}-{stamp}-{n}{suffix}"
    return path


def postgres_args():
    """Connection arguments for pg_dump/pg_restore, and the environment with the password."""
    db = connection.settings_dict
    args = []
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if db.get(key):
            args.append(f"{option}={db[key]}")
    args.append(f"--dbname={db['NAME']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def sqlite_regexp(pattern, value):
    """REGEXP as Django's SQLite connections define it (CHECK constraints use it)."""
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


def sqlite_copy(source_path, target_path, *, journal_mode):
    """Copy one SQLite database into another with the online backup API."""
    source = sqlite3.connect(source_path, timeout=20)
    try:
        target = sqlite3.connect(target_path, timeout=20)
        target.create_function("REGEXP", 2, sqlite_regexp, deterministic=True)
        try:
            source.backup(target)
            target.execute(f"PRAGMA journal_mode={journal_mode}")
            (result,) = target.execute("PRAGMA quick_check").fetchone()
            if result != "ok":
                raise CommandError(f"The copy in {target_path} failed its check: {result}")
        finally:
            target.close()
    finally:
        source.close()


def reason(error):
    """An OSError or SQLite error in words ("No space left on device")."""
    if isinstance(error, OSError) and error.errno is not None:
        return os.strerror(error.errno)
    return str(error)


def write_copy(partial):
    """The backup into `partial`, complete (sqlite_copy checks it; pg_dump says so)."""
    if engine() == "sqlite":
        live = connection.settings_dict["NAME"]
        if not Path(live).exists():
            raise CommandError(f"There is no database to back up at {live}.")
        sqlite_copy(live, partial, journal_mode="DELETE")
        return
    args, env = postgres_args()
    result = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={partial}", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        stderr = result.stderr.strip()
        if "No space left" in stderr:
            raise OSError(errno.ENOSPC, stderr)
        raise CommandError(f"pg_dump failed: {stderr}")


def fsync(path):
    """Flush a file (or a folder's entries) to the disk, so a crash cannot lose it later."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_database(directory=DEFAULT_DIR, prefix="db"):
    """Write a backup into `directory`; return its path."""
    path = backup_path(directory, prefix)
    partial = path.with_name(path.name + ".partial")
    try:
        write_copy(partial)
        fsync(partial)
        partial.rename(path)
        fsync(path.parent)
    except (OSError, sqlite3.Error) as error:
        raise CommandError(
            f"Could not write the backup in {path.parent}: {reason(error)}. Nothing was kept "
            f"under {path.name} and the earlier backups there are untouched."
        ) from None
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return path


class Command(BaseCommand):
    help = (
        "Back up the database while the site runs: SQLite online backup, or pg_dump "
        "(custom format) on PostgreSQL, into backups/db-YYYYmmdd-HHMMSS.*"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(DEFAULT_DIR), help="Where to write the backup (default: backups/)."
        )

    def handle(self, dir, **options):
        path = backup_database(dir)
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written ({size:,} bytes):"))
        self.stdout.write(str(path))
