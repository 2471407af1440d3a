"""`make backup` on a full disk and `make restore` of a bad backup or killed half-way: a clear
refusal and a non-zero exit, no half-written file, the earlier backups and the live data
untouched (checksums), and after a kill either the old data or the new, never a mix. On
the suite's engine (SQLite, or PostgreSQL when DATABASE_URL says so), through the real
commands in processes of their own."""

import contextlib
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from timeline.management.commands.backup_db import sqlite_regexp

from .processes import MANAGE, manage, scratch_database

SQLITE = connection.vendor == "sqlite"
EARLIER = "db-20200101-000000" + (".sqlite3" if SQLITE else ".dump")


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def state(env):
    """(integrity, sha256 of the events' ids and titles) of the database `env` names."""
    query = "SELECT id, title FROM timeline_event ORDER BY id"
    if "DATABASE_URL" in env:
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            rows = conn.execute(query).fetchall()
        integrity = "ok"
    else:
        with contextlib.closing(sqlite3.connect(env["SQLITE_PATH"])) as conn:
            conn.create_function("REGEXP", 2, sqlite_regexp, deterministic=True)
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            rows = conn.execute(query).fetchall()
    return integrity, hashlib.sha256(repr(rows).encode()).hexdigest()


def backup(env, folder):
    made = manage(env, "backup_db", "--dir", str(folder))
    return Path(made.stdout.strip().splitlines()[-1])


# --- a full disk during `make backup` -----------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs of the test's own (mounted as root, unmounted afterwards), holding an
    earlier backup that fills most of it."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    # As root, or through sudo without a password (as `make test` installs packages): a test
    # that cannot make its small disk fails, saying why, rather than pass unrun.
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    mounted = subprocess.run(
        [*sudo, "mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.fail(
            "cannot mount a tmpfs (needs root or sudo): "
            + mounted.stderr.decode(errors="replace").strip()
        )
    try:
        (folder / EARLIER).write_bytes(os.urandom(192 * 1024))
        yield folder
    finally:
        subprocess.run([*sudo, "umount", str(folder)], check=False)


def test_a_backup_on_a_full_disk_fails_clearly_and_leaves_nothing_half_written(
    tmp_path, small_disk
):
    earlier = sha256(small_disk / EARLIER)
    with scratch_database(tmp_path) as env:
        manage(env, "migrate", "--noinput", "-v", "0")
        result = manage(env, "backup_db", "--dir", str(small_disk), check=False)

    assert result.returncode != 0
    assert f"Could not write the backup in {small_disk}: " in result.stderr
    assert "No space left on device" in result.stderr or "disk is full" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == [EARLIER], "no partial file is left"
    assert sha256(small_disk / EARLIER) == earlier


# --- `make restore` of a bad backup -------------------------------------------------------


def foreign_backup(tmp_path):
    """A backup of a database that is not this site's."""
    if SQLITE:
        path = tmp_path / "notes.sqlite3"
        with contextlib.closing(sqlite3.connect(path)) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
        return path
    with scratch_database(tmp_path) as other:  # an empty database: no tables of ours
        return backup(other, tmp_path / "other")


def damaged(good, tmp_path):
    """The good backup with a run of bytes in its middle overwritten."""
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = bytes(range(256)) * 32
    path = tmp_path / f"damaged{good.suffix}"
    path.write_bytes(bytes(data))
    return path


def bad_backups(good, tmp_path):
    """{name: (file, what the refusal may say)}."""
    files = {
        "truncated": (good.read_bytes()[: good.stat().st_size // 2], ("truncated",)),
        "random bytes": (os.urandom(64 * 1024), ("neither a SQLite database nor a pg_dump",)),
        "empty": (b"", ("is empty (0 bytes)",)),
    }
    found = {}
    for name, (content, says) in files.items():
        path = tmp_path / f"{name.replace(' ', '-')}{good.suffix}"
        path.write_bytes(content)
        found[name] = (path, says)
    found["not this site's"] = (foreign_backup(tmp_path), ("not this site's",))
    found["damaged"] = (damaged(good, tmp_path), ("integrity check", "damaged"))
    return found


def test_a_bad_backup_is_refused_before_anything_is_replaced(tmp_path):
    with scratch_database(tmp_path) as env:
        manage(env, "migrate", "--noinput", "-v", "0")
        good = backup(env, tmp_path / "backups")
        manage(env, "generate_events", "--count", "20")  # the live data differs from it
        before = state(env)
        live_file = sha256(env["SQLITE_PATH"]) if SQLITE else None

        for name, (path, says) in bad_backups(good, tmp_path).items():
            result = manage(
                env, "restore_db", str(path), "--dir", str(tmp_path / "safety"), check=False
            )
            assert result.returncode != 0, name
            assert any(words in result.stderr for words in says), (name, result.stderr)
            assert str(path) in result.stderr, f"{name}: the message names the file"
            assert "Traceback" not in result.stderr, name

        assert state(env) == before
        if SQLITE:
            assert sha256(env["SQLITE_PATH"]) == live_file
        assert not (tmp_path / "safety").exists(), "refused before even the safety backup"


# --- `make restore` killed half-way -------------------------------------------------------


def restore_killed_after(env, path, delay, folder):
    """Start a restore, and SIGKILL it (and pg_restore with it) `delay` seconds after it
    has saved the current data, when it starts replacing it. True if it was killed."""
    process = subprocess.Popen(
        [*MANAGE, "restore_db", str(path), "--dir", str(folder)],
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    for line in process.stdout:
        if "backed up first" in line:
            break
    time.sleep(delay)
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    process.stdout.close()
    return killed


def put_back(env, old):
    """The old data in place again (no process has the database open)."""
    if not SQLITE:
        manage(env, "restore_db", str(old), "--no-safety-backup")
        return
    live = env["SQLITE_PATH"]
    for stale in (f"{live}-wal", f"{live}-shm"):
        Path(stale).unlink(missing_ok=True)
    shutil.copyfile(old, live)


def test_a_restore_killed_half_way_leaves_the_old_data_or_the_new(tmp_path):
    with scratch_database(tmp_path) as env:
        manage(env, "migrate", "--noinput", "-v", "0")
        old = backup(env, tmp_path / "old")  # the old data: the migrations' alone
        old_state = state(env)
        manage(env, "generate_events", "--count", "3000", "--seed", "1")
        new = backup(env, tmp_path / "new")  # big enough that copying it takes a while
        new_state = state(env)
        put_back(env, old)
        assert old_state != new_state

        outcomes = []
        # Kills before, during and after the replacing: SQLite copies in about 10 ms here,
        # pg_restore runs for about a second.
        delays = [0, 0.004, 0.008, 0.012, 0.016, 0.02, 0.03, 0.1]
        for delay in delays if SQLITE else [0, 0.1, 0.25, 0.4, 0.6, 0.9]:
            started = time.monotonic()
            killed = restore_killed_after(env, new, delay, tmp_path / f"safety-{delay}")
            found = state(env)
            assert found[0] == "ok", f"killed after {delay} s: {found[0]}"
            assert found in (old_state, new_state), f"killed after {delay} s: a mix"
            outcomes.append(
                (delay, killed, "new" if found == new_state else "old", time.monotonic() - started)
            )
            if found == new_state:  # back to the old data for the next try
                put_back(env, old)
        print("restores killed (delay, killed, data after):", outcomes)
        assert any(outcome == "old" for _d, _k, outcome, _s in outcomes), outcomes
