"""Real processes on the embedded SQLite database: crashes and concurrency.

These start Django commands and an app server as separate processes, the way
an operator runs them, against a throwaway database file.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from .seedposts import write_seed_posts

pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable


def environment(tmp_path):
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    return {
        **base,
        "SECRET_KEY": "test-only-secret",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_HASHED_NAMES": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REQUEST_LOG_LEVEL": "WARNING",
    }


def manage(env, *args, check=True, timeout=300):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


INTEGRITY = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.db import connection
from articles.models import Article
problems, titles = [], []
with connection.cursor() as cursor:
    cursor.execute("SELECT rowid FROM articles_search")
    indexed = {row[0] for row in cursor.fetchall()}
for article in Article.objects.prefetch_related("categories", "tags", "bylines"):
    titles.append(article.title)
    if not article.body or "芯片行业" not in article.body: problems.append((article.pk, "body"))
    if len(article.categories.all()) != 1: problems.append((article.pk, "categories"))
    if len(article.tags.all()) != 2: problems.append((article.pk, "tags"))
    if len(article.bylines.all()) != 1: problems.append((article.pk, "bylines"))
    if article.imported_at is None: problems.append((article.pk, "imported_at"))
    if article.pk not in indexed: problems.append((article.pk, "search index"))
print(json.dumps({"count": len(titles), "distinct": len(set(titles)), "problems": problems}))
"""


def integrity(env):
    result = subprocess.run([PYTHON, "-c", INTEGRITY], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def article_count(tmp_path):
    try:
        with sqlite3.connect(tmp_path / "db.sqlite3", timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM articles_article").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_killed_import_leaves_whole_articles_and_a_rerun_completes(tmp_path):
    env = environment(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    posts = write_seed_posts(tmp_path / "posts", 1200)
    importer = subprocess.Popen(
        [PYTHON, "manage.py", "import_hexo", str(posts)], cwd=BASE_DIR, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while article_count(tmp_path) < 150 and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert importer.poll() is None, "the import finished before it could be interrupted"
    importer.send_signal(signal.SIGKILL)
    importer.wait()

    halfway = integrity(env)
    assert 150 <= halfway["count"] < 1200
    assert halfway["problems"] == []  # every article there is whole

    manage(env, "import_hexo", str(posts))
    finished = integrity(env)
    assert finished == {"count": 1200, "distinct": 1200, "problems": []}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


EDITOR = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from articles.models import Article
pk, edits = int(sys.argv[1]), int(sys.argv[2])
for number in range(edits):
    article = Article.objects.get(pk=pk)
    article.summary = f"编辑第{number}次保存"
    article.save()
print(Article.objects.get(pk=pk).version)
"""


def test_import_while_readers_read_and_an_editor_saves(tmp_path):
    env = environment(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_hexo", str(BASE_DIR / "samples"))
    first = json.loads(
        subprocess.run(
            [PYTHON, "-c", "import django,os,json;os.environ.setdefault('DJANGO_SETTINGS_MODULE','newsroom.settings');"
             "django.setup();from articles.models import Article;a=Article.objects.published().first();"
             "print(json.dumps([a.pk,a.version,a.get_absolute_url()]))"],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    article_pk, start_version, article_url = first
    posts = write_seed_posts(tmp_path / "posts", 600)
    port = free_port()
    server_log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "python:newsroom.gunicorn"],
        cwd=BASE_DIR, env={**env, "PORT": str(port), "WEB_CONCURRENCY": "2", "REQUEST_LOG_LEVEL": "INFO"},
        stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5)
                break
            except OSError:  # not listening yet, or still booting
                time.sleep(0.2)
        statuses, stop = [], threading.Event()

        def read():
            urls = ["/", "/search/?q=%E8%8A%AF%E7%89%87", article_url, "/feed/", "/sitemap.xml", "/sections/%E9%87%91%E8%9E%8D/"]
            number = 0
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(base + urls[number % len(urls)], timeout=60) as response:
                        statuses.append(response.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)
                except OSError as error:  # a timeout or a dropped connection
                    statuses.append(f"{type(error).__name__}: {error}")
                number += 1

        readers = [threading.Thread(target=read) for _ in range(4)]
        for thread in readers:
            thread.start()
        importer = subprocess.Popen(
            [PYTHON, "manage.py", "import_hexo", str(posts)], cwd=BASE_DIR, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        editor = subprocess.run([PYTHON, "-c", EDITOR, str(article_pk), "40"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
        import_out, import_err = importer.communicate(timeout=300)
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server_log.close()
    server_output = (tmp_path / "server.log").read_text()

    assert importer.returncode == 0, import_err[-2000:]
    assert editor.returncode == 0, editor.stderr[-2000:]
    for output in (import_err, editor.stderr, server_output):
        assert "database is locked" not in output
    assert int(editor.stdout.strip()) == start_version + 40  # no lost write
    assert statuses and all(status == 200 for status in statuses), sorted(set(statuses))
    samples = len(list((BASE_DIR / "samples").rglob("*.html")))
    assert integrity(env)["count"] == 600 + samples
