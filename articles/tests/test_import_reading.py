"""Large runs read their files in worker processes: the same posts, messages
and articles as reading them one after the other here."""

import os
import signal
import subprocess
import sys
import time
import zoneinfo

import pytest
from django.conf import settings

from articles.importers import reading
from articles.importers.files import find_posts
from articles.importers.reading import read_post
from articles.models import Article

from .test_import_batch import forget_everything, run_import, write_posts

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def folder(tmp_path):
    """Sixty posts, two refused and two with warnings, one linking to another."""
    write_posts(tmp_path, 60)
    (tmp_path / "p007.md").write_text("---\ntitle: [unclosed\n---\nbody", "utf-8")
    (tmp_path / "p031.md").write_text("---\ntitle: x\ndate: Invalid Date\n---\nbody", "utf-8")
    for name in ("p012.md", "p044.md"):
        path = tmp_path / name
        path.write_text(path.read_text("utf-8").replace("tags:", "headimg_x: x\ntags:"), "utf-8")
    path = tmp_path / "p020.md"
    path.write_text(path.read_text("utf-8").replace("</div>\n</div>", "{% post_link p003 %}</div>\n</div>"), "utf-8")
    return tmp_path


def in_workers(monkeypatch):
    monkeypatch.setattr(reading, "_workers", lambda count: 2)


def here(monkeypatch):
    monkeypatch.setattr(reading, "_workers", lambda count: 0)


def read_all(folder):
    return list(reading.read_posts(find_posts([folder]), tz=SHANGHAI, permalink=":title/"))


def test_workers_read_what_this_process_reads(folder, monkeypatch):
    in_workers(monkeypatch)
    read_there = read_all(folder)
    here(monkeypatch)
    assert read_there == read_all(folder)
    assert [path.name for path, _post in read_there] == [f"p{number:03d}.md" for number in range(60)]
    assert read_there[7][1].startswith(f"{folder / 'p007.md'}: invalid YAML front matter")


def test_a_run_with_workers_says_and_saves_what_a_run_without_says(folder, monkeypatch):
    in_workers(monkeypatch)
    with_workers = run_import(folder)
    saved = sorted(Article.objects.values_list("source_key", "title", "status", "summary"))
    forget_everything()
    here(monkeypatch)
    assert run_import(folder) == with_workers
    assert sorted(Article.objects.values_list("source_key", "title", "status", "summary")) == saved
    code, out, err = with_workers
    assert code == 1 and "58 created" in out and "2 failed" in out and "2 warnings" in out
    # Reading comes first, then saving, each in file order (the linking post last).
    assert [line.split(": ", 1)[0].rsplit("/", 1)[1] for line in err.splitlines()] == [
        "p007.md", "p031.md", "p012.md", "p044.md"
    ]  # fmt: skip
    assert "/articles/" in Article.objects.get(source_key="hexo:p020.md").body


PARENT = os.getpid()


def dies_in_a_worker(job):
    """``read_post``, except that the worker reading p040.md is killed."""
    if os.getpid() != PARENT and job[0].name == "p040.md":
        os._exit(1)
    return read_post(job)


def test_files_a_killed_worker_had_are_read_here(folder, monkeypatch):
    monkeypatch.setattr(reading, "read_post", dies_in_a_worker)
    in_workers(monkeypatch)
    read_there = read_all(folder)
    here(monkeypatch)
    assert read_there == read_all(folder)


def test_few_files_are_read_here():
    assert reading._workers(reading.PARALLEL_FROM - 1) == 0


KILLED = """
import multiprocessing, os, signal, sys, time, zoneinfo
import django
django.setup()
from articles.importers import reading
from articles.importers.files import find_posts

def slow(job):
    time.sleep(60)

reading._workers = lambda count: 2
reading.read_post = slow
posts = reading.read_posts(find_posts([sys.argv[1]]), tz=zoneinfo.ZoneInfo("UTC"), permalink=":title/")
print(" ".join(str(child.pid) for child in multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] not in "ZX"
    except FileNotFoundError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads process states from /proc")
def test_workers_end_when_the_command_is_killed(folder):
    env = {
        **{key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "test-only-secret",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CACHE_DIR": str(folder / "cache"),
    }
    # Output is read until every process holding the pipe has ended, workers included.
    done = subprocess.run(
        [sys.executable, "-c", KILLED, str(folder)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    workers = [int(pid) for pid in done.stdout.split()]
    assert done.returncode == -signal.SIGKILL and len(workers) == 2, done.stderr[-2000:]
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(running, workers))
