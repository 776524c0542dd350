"""Consistent backups of the database and media, and their restore.

A backup directory holds the database snapshot (SQLite through its online
backup API, so it is consistent while the site runs; PostgreSQL through
``pg_dump``), a copy of the media files, and ``manifest.json`` with the row
counts and a SHA-256 of every file, so a restore can refuse a damaged or
incomplete backup before touching anything.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MEDIA_DIR = "media"
FORMAT = 1


class BackupError(Exception):
    pass


def counted_models():
    """The models whose row counts a manifest records."""
    return [model for model in apps.get_app_config("articles").get_models() if not model._meta.proxy] + [
        apps.get_model("auth", "User"),
        apps.get_model("taggit", "Tag"),
        apps.get_model("taggit", "TaggedItem"),
    ]


def row_counts(cursor):
    counts = {}
    for model in counted_models():
        cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
        counts[model._meta.label] = cursor.fetchone()[0]
    return counts


def backup(outdir):
    """Write a backup into ``outdir`` (new or empty); returns the manifest."""
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        raise BackupError(f"{outdir} is not empty; give a new or empty directory")
    outdir.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        counts = _backup_sqlite(outdir / SQLITE_FILE)
    elif connection.vendor == "postgresql":
        counts = _backup_postgres(outdir / POSTGRES_FILE)
    else:
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, outdir / MEDIA_DIR)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "engine": connection.vendor,
        "counts": counts,
        "files": {path: _sha256(outdir / path) for path in _files(outdir)},
    }
    (outdir / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _backup_sqlite(target):
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot even while
        # other processes write (they wait or the copy restarts).
        connection.connection.backup(destination)
        return row_counts(destination.cursor())
    finally:
        destination.close()


def _backup_postgres(target):
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed: install the PostgreSQL client tools")
    # The counts and the dump read the same snapshot: a repeatable-read
    # transaction exports it, and pg_dump joins it while it stays open.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = row_counts(cursor)
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(target), *_pg_args()],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def restore(indir, *, force=False):
    """Put the backup in ``indir`` back: database, then media. Returns the manifest."""
    indir = Path(indir)
    manifest = verify(indir)
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"this backup is of a {manifest['engine']} database, not {connection.vendor}")
    if not force and _has_content():
        raise BackupError("the database already holds articles; restore into an empty database or use --force")
    if connection.vendor == "sqlite":
        _restore_sqlite(indir / SQLITE_FILE)
    else:
        _restore_postgres(indir / POSTGRES_FILE)
    if (indir / MEDIA_DIR).is_dir():
        shutil.copytree(indir / MEDIA_DIR, settings.MEDIA_ROOT, dirs_exist_ok=True)
    with connection.cursor() as cursor:
        restored = row_counts(cursor)
    if restored != manifest["counts"]:
        raise BackupError(f"restored row counts {restored} differ from the manifest's {manifest['counts']}")
    return manifest


def verify(indir):
    """The manifest, once every file it lists is present and unchanged."""
    try:
        manifest = json.loads((Path(indir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable {MANIFEST} in {indir}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for path, checksum in manifest["files"].items():
        file = Path(indir) / path
        if not file.is_file() or _sha256(file) != checksum:
            raise BackupError(f"{path} is missing or damaged (checksum mismatch)")
    return manifest


def _has_content():
    from .models import Article

    try:
        return Article.objects.exists()
    except Exception:  # no tables yet: an empty database
        return False


def _restore_sqlite(snapshot):
    connections.close_all()
    source = sqlite3.connect(snapshot)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
    connections.close_all()


def _restore_postgres(dump):
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed: install the PostgreSQL client tools")
    connections.close_all()
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *_pg_args(), str(dump)],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _pg_args():
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _pg_env():
    env = dict(os.environ)
    password = settings.DATABASES["default"].get("PASSWORD")
    if password:
        env["PGPASSWORD"] = password
    return env


def _files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file() and path.name != MANIFEST)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
