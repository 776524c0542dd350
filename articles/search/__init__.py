"""Full-text search of published articles, good at Chinese.

``search(query)`` gives ranked results (title matches first, then the newest)
with highlighted snippets; the index follows every save, publish, unpublish
and delete through signals, and ``manage.py rebuild_search_index`` rebuilds
it. See ``tokens.py`` for why Chinese is indexed as character pairs.
"""

import re

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..text import html_to_text
from .backends import backend
from .tokens import parse_query

SNIPPET_LENGTH = 90
SNIPPET_SOURCE = 3000  # characters of an article's text a snippet is looked for in
MAX_QUERY_LENGTH = 200
MAX_PHRASES = 8


def index_article(article):
    """Add, refresh or drop ``article`` in the index, by its status."""
    if article.status != "published":
        remove_articles([article.pk])
        return
    plain = html_to_text(article.body)
    with connection.cursor() as cursor:
        backend().upsert(cursor, article.pk, article.title, article.summary, plain, _plain_for_snippets(article, plain))


def remove_articles(article_ids):
    with connection.cursor() as cursor:
        backend().remove(cursor, list(article_ids))


def rebuild(batch_size=500):
    """Index every published article again; returns how many."""
    from ..models import Article

    index = backend()
    with connection.cursor() as cursor:
        index.clear(cursor)
    count = 0
    queryset = Article.objects.filter(status="published").only("pk", "title", "summary", "body", "status")
    for article in queryset.iterator(chunk_size=batch_size):
        index_article(article)
        count += 1
    return count


# A query ranks at most this many of its most recently added matches (and as
# many title matches): walking the index backwards stops there, so the cost
# has a ceiling however common the word is. Lists of results stop at 50 pages
# anyway; a reader who needs older articles narrows the query.
MAX_HITS = 2000

class SearchResults:
    """A lazy, countable sequence of results, for Django's ``Paginator``.

    Title matches come first, then the rest, newest first within each. Only
    the ``MAX_HITS`` most recently added matches take part; ``capped`` says
    when a query matched more than that (the page then says so). One query
    walks the index for title matches and for all matches and orders the
    published ones; then a page costs its snippets and its articles.
    """

    def __init__(self, query):
        self.query = (query or "")[:MAX_QUERY_LENGTH]
        phrases, self.terms = parse_query(self.query)
        self.phrases = phrases[:MAX_PHRASES]
        self._index = backend()
        self._now = timezone.now()
        self._ids = None
        self.capped = False

    def __bool__(self):
        return bool(self.phrases)

    def ordered_ids(self):
        """Every result's id, in rank order (at most about 2 × ``MAX_HITS``)."""
        if self._ids is None:
            self._ids = self._rank() if self.phrases else []
        return self._ids

    def _rank(self):
        hits = self._index.hits_sql(MAX_HITS)
        sql = (
            f"WITH title AS ({hits}), anywhere AS ({hits}) "
            "SELECT a.id, (SELECT COUNT(*) FROM anywhere) FROM articles_article a "
            "WHERE a.id IN (SELECT id FROM title UNION SELECT id FROM anywhere) "
            "AND a.status = 'published' AND a.published_at <= %s "
            "ORDER BY (a.id IN (SELECT id FROM title)) DESC, a.published_at DESC, a.id DESC"
        )
        params = [self._index.match(self.phrases, title_only=True), self._index.match(self.phrases), self._now]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        self.capped = bool(rows) and rows[0][1] >= MAX_HITS
        return [row[0] for row in rows]

    def count(self):
        return len(self.ordered_ids())

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        if not isinstance(page, slice) or not self.phrases:
            return [] if isinstance(page, slice) else None
        from ..models import Article, Author

        ids = self.ordered_ids()[page]
        if not ids:
            return []
        with connection.cursor() as cursor:
            cursor.execute(self._index.snippets_sql(len(ids)), ids)
            plains = dict(cursor.fetchall())
        # Results show bylines and dates, not sections or tags.
        articles = (
            Article.objects.prefetch_related(Prefetch("authors", queryset=Author.objects.order_by("bylines__position")))
            .only("pk", "slug", "title", "published_at")
            .in_bulk(ids)
        )
        results = []
        for pk in ids:
            article = articles.get(pk)
            if article is not None:
                article.snippet = highlight(plains.get(pk, ""), self.terms)
                article.title_highlighted = highlight(article.title, self.terms, whole=True)
                results.append(article)
        return results


def search(query):
    return SearchResults(query)


def highlight(text, terms, *, whole=False):
    """``text`` (or a window around the first match) with the terms in <mark>."""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in sorted(set(terms), key=len, reverse=True) if term), re.IGNORECASE)
    # The snippet comes from the start of the text; a case-insensitive match
    # of the normalised terms (full-width letters in the text go unmarked).
    text = text if whole else text[:SNIPPET_SOURCE]
    matches = list(pattern.finditer(text))
    start, end = 0, len(text)
    if not whole and len(text) > SNIPPET_LENGTH:
        first = matches[0].start() if matches else 0
        start = max(0, first - SNIPPET_LENGTH // 3)
        end = min(len(text), start + SNIPPET_LENGTH)
    parts, cursor = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        parts.append(escape(text[cursor : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        cursor = match.end()
    parts.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)


def _plain_for_snippets(article, body_text):
    return " ".join(part for part in (article.summary, body_text.replace("\n", " ")) if part)[:20000]
