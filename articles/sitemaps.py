"""Sitemaps: an index over article pages and the sections, and Google News.

Article sitemap pages cover fixed ranges of article ids (page 1: ids below
500, page 2: 500–999 …), so a page is one range scan of an index however
large the archive, and a page's address never shifts as articles are added.
500 URLs a page keeps each response small and quick (crawlers fetch pages
one after another; the index then lists 2,000 pages at a million articles,
against a limit of 50,000). The XML is written directly: hundreds of URLs
through the template engine would cost far more than the query.
"""

import datetime as dt
import functools
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import BooleanField, CharField, ExpressionWrapper, Func, Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .categories import get_tree
from .feedwriter import xml_text
from .models import Article
from .paths import article_path, detail_prefix
from .querysets import live_now
from .slugs import slug_from

NEWS_WINDOW = dt.timedelta(hours=48)
ARTICLES_PER_PAGE = 500
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


class CategorySitemap(Sitemap):
    """Every section (Django's sitemap framework), on SITE_URL."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def items(self):
        return list(get_tree().by_id.values())

    def location(self, category):
        return category.get_absolute_url()


SECTION_SITEMAPS = {"sections": CategorySitemap}


def _xml_response(body):
    return HttpResponse(XML_HEAD + body, content_type="application/xml; charset=utf-8")


def sitemap_index(request):
    """``/sitemap.xml``: the article pages and the sections."""
    base = escape(settings.SITE_URL)
    articles = f"{base}{escape(reverse('articles:article_sitemap'))}"
    sections = f"{base}{escape(reverse('articles:sitemap', args=['sections']))}"
    return _xml_response(_index_text(page_count(), articles, sections))


@functools.lru_cache(maxsize=8)
def _index_text(pages, articles, sections):
    """The index for ``pages`` article pages: it changes only when a page is
    added, so the text (2,000 entries at a million articles) is kept."""
    entries = [f"<sitemap><loc>{articles}?p={page}</loc></sitemap>" for page in range(1, pages + 1)]
    entries.append(f"<sitemap><loc>{sections}</loc></sitemap>")
    return f'<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(entries) + "\n</sitemapindex>\n"


def page_count():
    """Article pages: enough id ranges to reach the highest id (one primary-key lookup)."""
    highest = Article.objects.aggregate(highest=Max("pk"))["highest"]
    return 0 if highest is None else highest // ARTICLES_PER_PAGE + 1


def article_sitemap(request):
    """``/sitemap-articles.xml?p=N``: published articles with ids in page N's range."""
    try:
        page = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404 from None
    if not 1 <= page <= max(page_count(), 1):
        raise Http404
    start = (page - 1) * ARTICLES_PER_PAGE
    # Only the id range is in the WHERE clause, so the database reads the range
    # from the article_sitemap index (given the status too, it may prefer the
    # status index and walk every published article); whether each is live
    # comes as a column. The last change comes as text: for hundreds of rows,
    # making datetimes of them would cost more than the query.
    rows = (
        Article.objects.filter(pk__gte=start, pk__lt=start + ARTICLES_PER_PAGE)
        .order_by("pk")
        .annotate(
            live=ExpressionWrapper(live_now(), output_field=BooleanField()),
            lastmod=UtcIsoSeconds("updated_at"),
        )
        .values_list("pk", "slug", "lastmod", "live")
    )
    # An article path is letters, digits, "-", "_", "/" and "%": nothing to escape.
    base, prefix = escape(settings.SITE_URL), detail_prefix()
    entries = [
        f"<url><loc>{base}{article_path(pk, slug, prefix)}</loc><lastmod>{lastmod}</lastmod></url>"
        for pk, slug, lastmod, live in rows
        if live
    ]
    return _xml_response(f'<urlset xmlns="{SITEMAP_NS}">\n' + "\n".join(entries) + "\n</urlset>\n")


class UtcIsoSeconds(Func):
    """A time as W3C datetime text in UTC, to the second (``2026-05-01T08:30:00+00:00``)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as UTC text ("2026-05-01 08:30:00.123456"). Each "%" doubled
        # twice: once for this template, once for the query's parameters.
        return self.as_sql(
            compiler, connection, template="strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%S+00:00', %(expressions)s)"
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="""to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')""",
        )


def news_sitemap(request):
    """``/sitemap-news.xml``: a Google News sitemap of the articles published in
    the last 48 hours (at most 1,000), written directly like the pages above."""
    publication = (
        f"<news:publication><news:name>{xml_text(_('Newsroom'))}</news:name>"
        f"<news:language>{news_language()}</news:language></news:publication>"
    )
    base, prefix = escape(settings.SITE_URL), detail_prefix()
    entries = [
        f"<url><loc>{base}{article_path(pk, slug or slug_from(title), prefix)}</loc><news:news>{publication}"
        f"<news:publication_date>{timezone.localtime(published).isoformat()}</news:publication_date>"
        f"<news:title>{xml_text(title)}</news:title></news:news></url>"
        for pk, slug, title, published in news_articles().values_list("pk", "slug", "title", "published_at")
    ]
    return _xml_response(
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n' + "\n".join(entries) + "\n</urlset>\n"
    )


def news_language():
    """Google News wants ISO 639 codes, with zh-cn / zh-tw for Chinese scripts."""
    code = settings.LANGUAGE_CODE.lower()
    return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(code, code.split("-")[0])


def news_articles():
    """What the Google News sitemap lists: published in the last 48 hours, newest first."""
    now = timezone.now()
    return Article.objects.published().filter(published_at__gte=now - NEWS_WINDOW).order_by("-published_at")[:1000]
