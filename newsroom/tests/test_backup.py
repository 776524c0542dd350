"""A backup restored into an empty database gives back every article."""

import json
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory, CategoryFactory

BASE_DIR = Path(settings.BASE_DIR)

DUMP_ARTICLES = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from articles.models import Article
print(json.dumps([
    {"title": a.title, "slug": a.slug, "body": a.body, "summary": a.summary, "status": a.status,
     "published_at": a.published_at.isoformat() if a.published_at else None,
     "categories": sorted(str(c) for c in a.categories.all()), "tags": sorted(a.tags.names()),
     "authors": [x.name for x in a.authors.all()]}
    for a in Article.objects.with_relations().order_by("pk")
], ensure_ascii=False))
"""


def snapshot_here():
    return [
        {
            "title": a.title, "slug": a.slug, "body": a.body, "summary": a.summary, "status": a.status,
            "published_at": a.published_at.isoformat() if a.published_at else None,
            "categories": sorted(str(c) for c in a.categories.all()), "tags": sorted(a.tags.names()),
            "authors": [x.name for x in a.authors.all()],
        }
        for a in Article.objects.with_relations().order_by("pk")
    ]  # fmt: skip


def run(args, **env):
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env={**base, "SECRET_KEY": "x", **env}, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def newsroom_content(transactional_db):
    section = CategoryFactory(name="金融")
    desk = CategoryFactory(name="财联社", parent=section)
    authors = [AuthorFactory(name="王明"), AuthorFactory(name="李雪")]
    for number in range(12):
        ArticleFactory(title=f"备份测试{number}", categories=[desk], authors=authors[: number % 2 + 1], tags=["芯片", f"标签{number}"])
    ArticleFactory(title="草稿也要备份", draft=True)


def test_backup_writes_a_manifest_with_counts_and_checksums(newsroom_content, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["counts"]["articles.Article"] == 13
    assert manifest["counts"]["articles.Byline"] == 18
    assert all(len(checksum) == 64 for checksum in manifest["files"].values())


def test_backup_refuses_a_non_empty_directory(newsroom_content, tmp_path):
    (tmp_path / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path), stdout=StringIO())


def test_damaged_backup_is_refused(newsroom_content, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    database = next(path for path in (tmp_path / "b").iterdir() if path.name.startswith("database"))
    with open(database, "r+b") as file:
        file.seek(100)
        file.write(b"garbage")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(tmp_path / "b"), stdout=StringIO())


def test_restore_refuses_a_database_with_articles(newsroom_content, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(tmp_path / "b"), stdout=StringIO())


def test_restore_into_an_empty_database_gives_back_every_article(newsroom_content, tmp_path):
    expected = snapshot_here()
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    if connection.vendor == "sqlite":
        target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}", "CACHE_DIR": str(tmp_path / "cache")}
        cleanup = None
    else:
        name = f"newsroom_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        db = settings.DATABASES["default"]
        target = {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"}

        def cleanup():
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    try:
        restored = run(["manage.py", "restore", str(tmp_path / "b")], MEDIA_ROOT=str(tmp_path / "media"), **target)
        assert restored.returncode == 0, restored.stderr
        dumped = run(["-c", DUMP_ARTICLES], **target)
        assert dumped.returncode == 0, dumped.stderr
        assert json.loads(dumped.stdout) == expected
    finally:
        if cleanup:
            cleanup()
