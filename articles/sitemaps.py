"""Sitemaps: articles (paginated, with lastmod), sections, and Google News."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import cached_property

from . import pagecache
from .categories import get_tree
from .models import Article

NEWS_WINDOW = dt.timedelta(hours=48)


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL, whatever host the request came in on."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteUrlSitemap):
    limit = 1000  # URLs per sitemap page; the index lists the pages

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at", "published_at").order_by("-published_at", "-id")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every article; one indexed query instead.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    @cached_property
    def paginator(self):
        return CachedCountPaginator(self._items(), self.limit)


class CachedCountPaginator(Paginator):
    """The article count, counted once per content version."""

    @cached_property
    def count(self):
        key = f"sitemaps:count:{pagecache.current_version()}"
        count = cache.get(key)
        if count is None:
            count = super().count
            cache.set(key, count, timeout=24 * 3600)
        return count


class CategorySitemap(SiteUrlSitemap):
    def items(self):
        return list(get_tree().by_id.values())

    def get_latest_lastmod(self):
        return None

    def location(self, category):
        return category.get_absolute_url()


def news_articles():
    """What the Google News sitemap lists: published in the last 48 hours."""
    now = timezone.now()
    return (
        Article.objects.published()
        .filter(published_at__gte=now - NEWS_WINDOW)
        .only("pk", "slug", "title", "published_at")
        .order_by("-published_at")[:1000]
    )


SITEMAPS = {"articles": ArticleSitemap, "sections": CategorySitemap}
