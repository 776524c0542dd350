"""Import speed: seed-format posts per second through ``manage.py import_hexo``.

Writes ``count`` posts exactly as the seed's RSS-to-Hexo generator does
(``Rock-Candy-Tea--RSSHUB-PAGE``: ``.md`` files under
``section/feed/sub-feed/``, HTML bodies, RFC 2822 dates), migrates a fresh
SQLite file (not timed), then times the real command end to end: process
start, parse, sanitise, write, index.

``python -m bench.imports [RUNS]`` takes this measurement alone, as ``make
bench`` does (``BENCH_IMPORT_POSTS`` posts, the same environment), RUNS times,
and prints one JSON line a run.
"""

import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import corpus

STATS_LINE = re.compile(r"(\d+) files in ([\d.]+) s")
# Characters the generator replaces in titles and file names.
UNSAFE = re.compile(r'[:/\\?*“”<>|\[\]"]')


def write_seed_posts(directory, count, *, seed=1):
    """Write ``count`` seed-format posts under ``directory``; return their paths."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    paths = []
    sections = list(corpus.SECTIONS)
    for number in range(count):
        section = rng.choice(sections)
        desks, feeds = corpus.SECTIONS[section]
        desk, feed = rng.choice(desks), rng.choice(feeds)
        topic = rng.choice(corpus.SECTION_TOPICS[section])
        when = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        tags = rng.sample(corpus.TAG_WORDS[:40], rng.randint(0, 3))
        text = corpus.seed_post(
            rng,
            topic,
            path=[section, desk, feed],
            desk=desk,
            reporter=rng.choice(corpus.SURNAMES) + rng.choice(corpus.GIVEN_NAMES),
            when=when,
            tags=tags,
        )
        folder = Path(directory, section, desk, feed)
        folder.mkdir(parents=True, exist_ok=True)
        # The generator names files after the title; a number keeps them apart.
        title = re.search(r"^title: '(.*)'$", text, re.M).group(1)
        path = folder / f"{UNSAFE.sub('_', title)} {number}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def measure(workdir, *, count, env, python=sys.executable, root=None, timeout=600):
    """Import ``count`` fresh posts into a fresh database; return the figures."""
    root = Path(root or Path(__file__).resolve().parent.parent)
    workdir = Path(workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    posts = workdir / "posts"
    write_seed_posts(posts, count)
    database = workdir / "import.sqlite3"
    env = {**env, "DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(workdir / "media"),
           "CACHE_DIR": str(workdir / "cache")}  # fmt: skip
    manage = [python, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=root, env=env, check=True, timeout=timeout)
    template = workdir / "migrated.sqlite3"
    shutil.copyfile(database, template)

    for options in (["--stats"], []):  # --stats: the command's own timing, when it has it
        shutil.copyfile(template, database)
        started = time.perf_counter()
        done = subprocess.run(
            [*manage, "import_hexo", str(posts), *options],
            cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if not (done.returncode == 2 and "unrecognized arguments" in done.stderr):
            break
    stats = STATS_LINE.search(done.stdout)
    result = {
        "posts": count,
        "seconds": round(seconds, 3),
        "posts_per_s": round(count / seconds, 1) if done.returncode == 0 else 0.0,
        "in_command_posts_per_s": round(int(stats.group(1)) / float(stats.group(2)), 1) if stats else None,
        "exit_status": done.returncode,
        "format": "seed (.md, HTML body)",
    }
    if done.returncode != 0:
        result["stderr"] = done.stderr[-2000:]
    shutil.rmtree(workdir, ignore_errors=True)
    return result


def main():
    from .run import Config, django_env

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    config = Config.from_env()
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as work:
        work = Path(work)
        # The database, media and cache are measure()'s own, in ``work``.
        env = django_env(config, work / "unused.sqlite3", cache_dir=work / "cache")
        for _ in range(runs):
            print(json.dumps(measure(work / "import", count=config.import_posts, env=env)), flush=True)


if __name__ == "__main__":
    main()
