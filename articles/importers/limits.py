"""How much an imported file may ask of us.

Posts and feeds come from outside; these bounds keep a hostile or broken file
from eating memory or time. They are generous: the largest post of the
756-post corpus is 100 KB, its deepest front matter 3 levels.
"""

import signal
import threading
from contextlib import contextmanager

MAX_FILE_BYTES = 2 * 1024 * 1024  # one post (20 times the corpus's largest)
MAX_FRONT_MATTER_BYTES = 128 * 1024
MAX_YAML_DEPTH = 20  # nested lists and mappings
MAX_YAML_ALIASES = 50  # real front matter uses none
MAX_YAML_NODES = 20_000  # after expanding aliases: the "billion laughs" guard
MAX_WARNINGS = 50  # per file; the rest are counted
MAX_TITLE_LENGTH = 255  # Article.title
MAX_NAME_LENGTH = 100  # category, author and tag names
MAX_CATEGORY_DEPTH = 10
MAX_NAMES = 50  # categories, tags or authors in one post
MAX_URL_LENGTH = 1000  # image addresses
MAX_PATH_LENGTH = 500  # source keys and old addresses
MAX_ASSET_BYTES = 10 * 1024 * 1024  # one image copied from a post's asset folder

MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_FEED_ENTRIES = 500
FEED_TIMEOUT = 20  # seconds, per request

MAX_PARSE_SECONDS = 60  # reading one post; a hostile body must not hold up the run


class TimeLimitExceeded(Exception):
    pass


@contextmanager
def time_limit(seconds):
    """Raise ``TimeLimitExceeded`` in the block after ``seconds``.

    Only where signals work (the main thread of a Unix process, as in a
    management command); elsewhere the block runs unbounded. Use it around
    pure computation only, never around database work.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise TimeLimitExceeded(f"took longer than {seconds} s to read")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
