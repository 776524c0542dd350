"""Posts per second of ``import_hexo`` on seed-format posts.

The seed format is the RSS-to-Hexo generator's (``Rock-Candy-Tea--RSSHUB-PAGE``
in ``../shared/corpus``). Its posts are copied ``--copies`` times under new
folders (so each copy is new to the database), imported into a fresh SQLite
database in a temporary folder, then imported again (every post unchanged).
Prints one JSON object; ``import_posts_per_s`` is the first run's rate.

    .venv/bin/python bench/import_speed.py [--copies 20] [--corpus PATH]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("NEWSROOM_CORPUS", ROOT.parent / "shared" / "corpus"))
SEED = "Rock-Candy-Tea--RSSHUB-PAGE/source/_posts"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    seed = args.corpus / SEED
    if not seed.is_dir():
        sys.exit(f"no seed-format posts at {seed}")

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as work:
        work = Path(work)
        posts = work / "posts"
        for copy in range(args.copies):
            shutil.copytree(seed, posts / f"copy{copy:03d}")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "MEDIA_ROOT": str(work / "media"),
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
            "CACHE_DIR": str(work / "cache"),
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        first = _timed_import(manage, posts, env)
        second = _timed_import(manage, posts, env)

    files = sum(1 for _ in seed.rglob("*.md")) * args.copies
    print(
        json.dumps(
            {
                "files": files,
                "import_posts_per_s": round(files / first, 1),
                "reimport_posts_per_s": round(files / second, 1),
                "import_seconds": round(first, 2),
                "reimport_seconds": round(second, 2),
            }
        )
    )


def _timed_import(manage, posts, env):
    """Seconds the import itself took (its --stats line), without start-up."""
    started = time.perf_counter()
    done = subprocess.run([*manage, "import_hexo", str(posts), "--stats"], env=env, capture_output=True, text=True)
    match = re.search(r"in ([\d.]+) s", done.stdout)
    return float(match.group(1)) if match else time.perf_counter() - started


if __name__ == "__main__":
    main()
