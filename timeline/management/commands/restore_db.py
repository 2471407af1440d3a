"""`make restore FILE=backups/…`: put a backup made by `backup_db` back in place.

The current data is first backed up beside (backups/pre-restore-…), so a restore of the wrong
file can itself be undone. SQLite: the backup API copies the file into the live database
(running processes see the restored data on their next transaction). PostgreSQL:
`pg_restore --clean --if-exists` in a single transaction (all or nothing).
"""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup_db import DEFAULT_DIR, backup_database, engine, postgres_args, sqlite_copy

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
USAGE = "make restore FILE=backups/db-YYYYmmdd-HHMMSS.sqlite3 (or .dump on PostgreSQL)"


def kind_of(path):
    with open(path, "rb") as file:
        head = file.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


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
        if not path.is_file():
            raise CommandError(f"No backup file at {path}. The backups are in {DEFAULT_DIR}.")
        kind = kind_of(path)
        if kind is None:
            raise CommandError(f"{path} is neither a SQLite database nor a pg_dump custom archive.")
        if kind != engine():
            raise CommandError(
                f"{path} is a {kind} backup but the database is {engine()}: nothing restored."
            )

        if not no_safety_backup:
            try:
                saved = backup_database(dir, prefix="pre-restore")
            except CommandError:
                saved = None  # nothing to back up yet (no database file)
            if saved:
                self.stdout.write(f"The current data was backed up first: {saved}")

        connection.close()
        if kind == "sqlite":
            sqlite_copy(path, connection.settings_dict["NAME"], journal_mode="WAL")
        else:
            args, env = postgres_args()
            result = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    str(path),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed (nothing changed): {result.stderr.strip()}")
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
