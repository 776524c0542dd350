"""Sitemaps: articles (paginated, with lastmod), sections, and Google News."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.utils import timezone

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
    limit = 5000  # URLs per sitemap page; the index lists the pages

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at", "published_at").order_by("-published_at", "-id")

    def lastmod(self, article):
        return article.updated_at


class CategorySitemap(SiteUrlSitemap):
    def items(self):
        return list(get_tree().by_id.values())

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
