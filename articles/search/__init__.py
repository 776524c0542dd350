"""Full-text search of published articles, good at Chinese.

``search(query)`` gives ranked results (title matches first, then the newest)
with highlighted snippets; the index follows every save, publish, unpublish
and delete through signals, and ``manage.py rebuild_search_index`` rebuilds
it. See ``tokens.py`` for why Chinese is indexed as character pairs and
``documents.py`` for why the index is kept in publication order.
"""

import multiprocessing
import re
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from html import escape

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import meta
from .backends import SMALLEST_KEY, backend
from .documents import SNIPPET_SOURCE, document, newest_key
from .tokens import parse_query

SNIPPET_LENGTH = 90
MAX_QUERY_LENGTH = 200
MAX_PHRASES = 8
# A query ranks at most this many of its newest matches: the index is walked
# newest first and stops there, so the cost has a ceiling however common the
# word is. A reader who needs older articles narrows the query.
MAX_HITS = 2000
REBUILD_BATCH = 2000
# What a result shows of its article (as ``page_sql`` selects them).
_PAGE_FIELDS = ["id", "title", "slug", "published_at"]


def index_article(article):
    """Add, refresh or drop ``article`` in the index, by its status."""
    index = backend()
    with connection.cursor() as cursor:
        index.remove(cursor, [article.pk])
        if article.status == "published" and article.published_at is not None:
            entry = document(article.pk, article.title, article.summary, article.body, article.published_at)
            index.add(cursor, [entry])


def remove_articles(article_ids):
    with connection.cursor() as cursor:
        backend().remove(cursor, list(article_ids))


def rebuild(batch_size=REBUILD_BATCH, progress=None, *, jobs=1, articles=None):
    """Index every published article again; returns how many.

    The index is emptied, then filled a batch of articles at a time, each in
    its own transaction (so memory and the database's journal stay small at
    any size); searches made meanwhile see the articles indexed so far.
    Reading the bodies and making their tokens is most of the work: with
    ``jobs`` above 1, that many other processes do it while this one writes.
    ``progress(done, total, seconds)`` is called after each batch. A
    migration passes its own ``articles`` manager.
    """
    if articles is None:
        from ..models import Article

        articles = Article.objects
    index = backend()
    published = articles.filter(status="published", published_at__isnull=False)
    total = published.count()
    started = time.monotonic()
    done = 0

    def write(rows):
        nonlocal done
        with transaction.atomic(), connection.cursor() as cursor:
            # An article saved since the rebuild began is indexed already.
            index.remove(cursor, [row[0] for row in rows])
            index.insert(cursor, rows)
        done += len(rows)
        if progress is not None:
            progress(done, total, time.monotonic() - started)

    with transaction.atomic(), connection.cursor() as cursor:
        index.reset(cursor)
    try:
        batches = _batches(published, batch_size)
        if jobs > 1 and total > batch_size:
            with ProcessPoolExecutor(jobs, mp_context=_process_context()) as pool:
                pending = deque()
                for batch in batches:
                    pending.append(pool.submit(index_rows, type(index), batch))
                    if len(pending) > jobs:  # the workers stay busy while this process writes
                        write(pending.popleft().result())
                while pending:
                    write(pending.popleft().result())
        else:
            for batch in batches:
                write(index_rows(type(index), batch))
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            index.finish(cursor)
    return done


def _batches(published, size):
    """Lists of (id, title, summary, body, published_at), oldest first.

    In publication order (ranges of the index the public lists use), each
    batch goes at the end of the search index's tables instead of between
    their rows: about half the work of inserting batches in id order.
    """
    published = published.order_by("published_at", "pk")
    last = None
    while True:
        batch = published
        if last is not None:
            batch = published.filter(Q(published_at__gt=last[0]) | Q(published_at=last[0], pk__gt=last[1]))
        rows = list(batch.values_list("pk", "title", "summary", "body", "published_at")[:size])
        if not rows:
            return
        yield rows
        last = (rows[-1][4], rows[-1][0])


def index_rows(index_class, articles):
    """What ``index_class`` writes for ``articles`` (rows as ``_batches``
    gives them); it needs no database, so other processes can make it."""
    return index_class.rows([document(*article) for article in articles])


def _process_context():
    # Forking starts a worker at once, with everything imported; elsewhere
    # (macOS, Windows) the workers import this module themselves.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


class SearchResults:
    """A lazy, countable sequence of results, for Django's ``Paginator``.

    Title matches come first, then the rest, newest first within each. Only
    the ``MAX_HITS`` newest matches take part; ``capped`` says when a query
    matched more than that (the page then says so). Counting them is one
    query, a page of articles with their snippets another: neither reads
    more of the index than the newest ``MAX_HITS`` matches and the page.
    Each result also gets its ``url`` and ``meta`` (see ``meta.py``).
    Counts come from the index alone: an article changed behind the
    signals' back (raw SQL, a flush) is still counted until the index is
    rebuilt, though pages show only articles that are published now.
    """

    def __init__(self, query):
        self.query = (query or "")[:MAX_QUERY_LENGTH]
        phrases, self.terms = parse_query(self.query)
        self.phrases = phrases[:MAX_PHRASES]
        self._index = backend()
        self._now = timezone.now()
        self._newest = newest_key(self._now)
        self._window = None
        self.capped = False

    def __bool__(self):
        return bool(self.phrases)

    def _counts(self):
        """``(results, title matches, lowest key)``: the window being ranked."""
        if self._window is None:
            if not self.phrases:
                self._window = (0, 0, SMALLEST_KEY)
            else:
                rows = self._query(*self._index.window_sql(self.phrases, self._newest, MAX_HITS))
                matches, titles, lowest = rows[0]
                self.capped = matches > MAX_HITS
                self._window = (min(matches, MAX_HITS), titles, lowest if self.capped else SMALLEST_KEY)
        return self._window

    def count(self):
        return self._counts()[0]

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        if not isinstance(page, slice):
            raise TypeError("search results are read a page (a slice) at a time")
        count, titles, lowest = self._counts()
        start, stop, _ = page.indices(count)
        if start >= stop:
            return []
        # The page may take the end of the title matches and the start of the rest.
        parts = []
        if start < titles:
            parts.append(("title", min(stop, titles) - start, start))
        if stop > titles:
            parts.append(("rest", stop - max(start, titles), max(0, start - titles)))
        articles = self._articles(*self._index.page_sql(self.phrases, parts, lowest, self._newest, self._now))
        meta.attach(articles)
        return articles

    def _articles(self, sql, params):
        """The page's articles (id, title, slug and time) with their snippets."""
        from ..models import Article

        field = Article._meta.get_field("published_at")
        column = field.get_col(Article._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        rows = self._query(sql, params)
        pattern = _pattern(self.terms)
        articles = []
        for pk, title, slug, published_at, plain in rows:
            for converter in converters:
                published_at = converter(published_at, column, connection)
            article = Article.from_db(connection.alias, _PAGE_FIELDS, [pk, title, slug, published_at])
            article.snippet = highlight(plain, pattern)
            article.title_highlighted = highlight(title, pattern, whole=True)
            articles.append(article)
        return articles

    def _query(self, sql, params):
        settings = self._index.query_settings
        with transaction.atomic() if settings else nullcontext(), connection.cursor() as cursor:
            for statement in settings:
                cursor.execute(statement)
            cursor.execute(sql, params)
            return cursor.fetchall()


def search(query):
    return SearchResults(query)


def _pattern(terms):
    """One case-insensitive expression for the terms, longest first."""
    terms = sorted({term for term in terms if term}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, terms)), re.IGNORECASE) if terms else None


def highlight(text, terms, *, whole=False):
    """``text`` (or a window around the first match) with the terms in <mark>.

    ``terms`` is a list of strings or the pattern ``_pattern`` makes of them.
    The match is case-insensitive on the normalised terms (full-width letters
    in the text go unmarked).
    """
    pattern = _pattern(terms) if isinstance(terms, (list, tuple)) else terms
    if pattern is None:
        return mark_safe(escape(text))
    start, end = 0, len(text)
    if not whole:
        end = min(end, SNIPPET_SOURCE)
        if end > SNIPPET_LENGTH:
            first = pattern.search(text, 0, end)
            start = max(0, first.start() - SNIPPET_LENGTH // 3) if first else 0
            end = min(end, start + SNIPPET_LENGTH)
    parts, cursor = [], start
    for match in pattern.finditer(text, start, end):
        parts.append(escape(text[cursor : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    parts.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)
