"""Reading many posts: in worker processes, while this one saves.

Reading a post (its YAML, Markdown and the sanitizer) is computation only and
touches no database, and it is about half of what an import costs. So a
large run reads its files in forked worker processes (they start with
everything already loaded) and hands them back in file order as they are
ready, while the command saves the ones read so far.
"""

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from . import limits
from .hexo import PostError, parse_post

# Fewer files than this are read in this process: workers would not pay for themselves.
PARALLEL_FROM = 50
CHUNK_SIZE = 16  # files a worker reads per round trip


def read_posts(files, *, tz, permalink):
    """``(path, post)`` for each ``(path, root)`` of ``files``, in order.

    A file that cannot be read gives, instead of its ``ArticleData``, the
    line that says why (``path: reason``). The workers (if any) start at
    once, before the caller opens the database, and read ahead.
    """
    jobs = [(path, root, tz, permalink) for path, root in files]
    workers = _workers(len(jobs))
    if not workers:
        return ((job[0], read_post(job)) for job in jobs)
    # A forked worker flushes what it inherited from these buffers when it ends: empty them first.
    sys.stdout.flush()
    sys.stderr.flush()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_end_with_parent,
        initargs=(os.getpid(),),
    )
    return _in_order(pool, jobs, pool.map(read_post, jobs, chunksize=CHUNK_SIZE))  # map submits every job now


def _in_order(pool, jobs, results):
    done = 0
    try:
        for result in results:
            yield jobs[done][0], result
            done += 1
    except BrokenProcessPool:  # a worker was killed (out of memory?): read the rest here
        for job in jobs[done:]:
            yield job[0], read_post(job)
    finally:
        pool.shutdown(cancel_futures=True)


def read_post(job):
    """One file: its ``ArticleData``, or the line saying why it cannot be imported."""
    path, root, tz, permalink = job
    try:
        with limits.time_limit(limits.MAX_PARSE_SECONDS):
            return parse_post(path, root, tz=tz, permalink=permalink)
    except (PostError, limits.TimeLimitExceeded) as error:
        return f"{path}: {error}"
    except Exception as error:  # a bug or a file we did not foresee: never stop the run
        return f"{path}: could not be read: {type(error).__name__}: {error}"


def _end_with_parent(parent):
    """In a worker: end as soon as the command has ended, even killed outright
    (an interrupted import must leave no process behind)."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _workers(count):
    """How many worker processes to read ``count`` files with (0: none)."""
    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cpus < 2:
        return 0
    # One CPU stays with this process: saving is the longer part, and it is what the run waits for.
    return min(cpus - 1, -(-count // CHUNK_SIZE))
