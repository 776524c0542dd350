"""Every public page's reads of the article table use an index, in the order
the page needs: no full scan and no sort of the table, on SQLite and on
PostgreSQL (where the planner is told to avoid sequential scans, as it would
at scale: with a few rows it rightly prefers them). Search has its own, in
test_search.py."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import ArticleFactory, AuthorFactory, CategoryFactory
from .plans import explain

pytestmark = pytest.mark.django_db

TABLE = "articles_article"


@pytest.fixture
def newsroom():
    finance = CategoryFactory(name="金融")
    flash = CategoryFactory(name="快讯", parent=finance)
    author = AuthorFactory(name="王明")
    for _ in range(25):
        ArticleFactory(categories=[flash], authors=[author], tags=["芯片"])
    article = ArticleFactory(categories=[finance], authors=[author], tags=["芯片"])
    return {"finance": finance, "flash": flash, "author": author, "article": article}


def public_pages(newsroom):
    finance, flash = newsroom["finance"].get_absolute_url(), newsroom["flash"].get_absolute_url()
    when = timezone.localtime(newsroom["article"].published_at)
    return {
        "home": "/",
        "home-page-2": "/?page=2",
        "section": finance,
        "subsection": flash,
        "tag": "/tags/芯片/",
        "author": newsroom["author"].get_absolute_url(),
        "detail": newsroom["article"].get_absolute_url(),
        "feed": "/feed/",
        "section-feed": f"{finance}feed/",
        "sitemap": "/sitemap.xml",
        "sitemap-page": "/sitemap-articles.xml?p=1",
        "news-sitemap": "/sitemap-news.xml",
        "archive": "/archive/",
        "archive-month": f"/archive/{when.year}/{when.month}/",
    }


# PostgreSQL planner settings: no sequential scans, as at scale (see above).
SCALE = ["SET LOCAL enable_seqscan = off"]


def problems(sql, steps):
    """What in a plan would grow with the table: a full scan of it, or a sort
    of what a list reads in the order of the ``(status, published_at)``
    index. (Sorts of a bounded set, such as the related articles' few
    hundred candidates, are fine.)"""
    ordered = f'ORDER BY "{TABLE}"."published_at"' in sql
    return [step for step in steps if _full_scan(step) or (ordered and _sort(step))]


def _full_scan(step):
    if connection.vendor == "postgresql":
        return f"Seq Scan on {TABLE}" in step
    return step.startswith(f"SCAN {TABLE}") and "INDEX" not in step


def _sort(step):
    if connection.vendor == "postgresql":
        return step.lstrip(" ->").startswith(("Sort", "Incremental Sort"))
    return "TEMP B-TREE FOR ORDER BY" in step


PAGES = [
    "home", "home-page-2", "section", "subsection", "tag", "author", "detail", "feed", "section-feed",
    "sitemap", "sitemap-page", "news-sitemap", "archive", "archive-month",
]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_read_articles_through_indexes(client, newsroom, name):
    url = public_pages(newsroom)[name]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    reads = [query["sql"] for query in captured.captured_queries if TABLE in query["sql"]]
    assert reads, f"{url} read no articles"
    found = {}
    for sql in reads:
        if bad := problems(sql, explain(sql, settings=SCALE)):
            found[sql[:300]] = bad
    assert not found, found


def test_a_period_is_one_range_with_one_upper_bound(db):
    """An archive period's articles: the same as published() narrowed to it,
    bounded above by its end when it is over and by now when it is not."""
    from articles.models import Article

    now = timezone.now()
    times = [now - dt.timedelta(days=days) for days in (400, 380, 10, 1)] + [now + dt.timedelta(days=1)]
    for when in times:
        ArticleFactory(published_at=when)
    over, current = (now - dt.timedelta(days=500), now - dt.timedelta(days=300)), (now - dt.timedelta(days=30), now)
    for start, end in [over, (current[0], current[1] + dt.timedelta(days=30))]:
        period = Article.objects.live_between(start, end)
        expected = Article.objects.published().filter(published_at__gte=start, published_at__lt=end)
        assert set(period) == set(expected) and period.count() == 2
        where = str(period.query).split("WHERE", 1)[1]
        assert where.count('published_at" <') == 1, where


def test_a_missing_page_reads_only_the_old_addresses_index(client, newsroom):
    """Every 404 looks for an article that had the address on the old site:
    one lookup in the unique index of old addresses, never a walk of the
    published articles (a second a request at a million articles)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/no-such-page/").status_code == 404
    lookups = [query["sql"] for query in captured.captured_queries if "legacy_path" in query["sql"]]
    assert len(lookups) == 1
    steps = explain(lookups[0], settings=SCALE)
    assert any("legacy_path" in step for step in steps), steps
    assert not any("article_status_published" in step for step in steps), steps
