"""RSS 2.0 and Atom feeds: the whole site, and per section, tag and author.

Each item carries the full sanitised body (``content:encoded`` in RSS,
``<content type="html">`` in Atom), the summary, the bylines, the sections
and tags, and the head image as an enclosure. The views choose the articles;
``feedwriter`` writes the documents.
"""

import mimetypes
import re
from urllib.parse import urljoin

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from taggit.models import Tag

from . import feedwriter, relations
from .categories import get_tree
from .models import Article, Author


def absolute(url):
    return urljoin(settings.SITE_URL + "/", url)


_SITE_RELATIVE = re.compile(r'\b(src|href)="/(?!/)')


def absolute_links(html):
    """Feed readers show bodies away from the site: site paths become full URLs."""
    return _SITE_RELATIVE.sub(lambda match: f'{match.group(1)}="{settings.SITE_URL}/', html)


class LatestArticlesFeed:
    """RSS 2.0 of the latest published articles; subclasses narrow the list
    (``get_object``, ``filter_items``) or write Atom."""

    url_name = "articles:feed"
    write = staticmethod(feedwriter.rss)
    content_type = "application/rss+xml; charset=utf-8"

    def __call__(self, request, *args, **kwargs):
        obj = self.get_object(request, *args, **kwargs)
        articles = self.items(obj)
        updated = max((max(article.updated_at, article.published_at) for article in articles), default=None)
        channel = feedwriter.Channel(
            title=self.title(obj),
            link=self.link(obj),
            description=self.description(obj),
            feed_url=absolute(reverse(self.url_name, args=self.url_args(obj))),
            language=settings.LANGUAGE_CODE,
            updated=updated or timezone.now(),
        )
        response = HttpResponse(self.write(channel, [self.entry(article) for article in articles]), self.content_type)
        response.headers["Last-Modified"] = http_date(channel.updated.timestamp())
        return response

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj=None):
        name = _("Newsroom")
        return f"{obj} | {name}" if obj is not None else name

    def description(self, obj=None):
        return _("Finance, technology and business news.")

    def link(self, obj=None):
        return absolute(obj.get_absolute_url() if obj is not None else "/")

    def url_args(self, obj):
        return []

    def filter_items(self, queryset, obj):
        return queryset

    def items(self, obj=None):
        articles = list(self.filter_items(Article.objects.published(), obj)[: settings.FEED_ITEMS])
        relations.attach(articles)
        return articles

    def entry(self, article):
        image = article.image_url
        return feedwriter.Entry(
            title=article.title,
            link=absolute(article.get_absolute_url()),
            guid=absolute(f"/articles/{article.pk}/"),
            summary=article.summary,
            content=absolute_links(article.body),
            published=article.published_at,
            updated=article.updated_at,
            authors=[author.name for author in article.authors.all()],
            categories=[category.name for category in article.categories.all()] + [tag.name for tag in article.tags.all()],
            # The size is unknown for remote images; feed readers accept 0.
            enclosure=(absolute(image), mimetypes.guess_type(image.split("?", 1)[0])[0] or "image/jpeg") if image else None,
        )


class LatestArticlesAtomFeed(LatestArticlesFeed):
    url_name = "articles:feed_atom"
    write = staticmethod(feedwriter.atom)
    content_type = "application/atom+xml; charset=utf-8"


class CategoryFeed(LatestArticlesFeed):
    url_name = "articles:category_feed"

    def url_args(self, obj):
        return [obj.path]

    def get_object(self, request, path):
        category = get_tree().find(path)
        if category is None:
            raise Http404
        return category

    def filter_items(self, queryset, obj):
        return queryset.in_category(obj)


class TagFeed(LatestArticlesFeed):
    url_name = "articles:tag_feed"

    def url_args(self, obj):
        return [obj.slug]

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def link(self, obj=None):
        return absolute(reverse("articles:tag", args=[obj.slug]))

    def filter_items(self, queryset, obj):
        return queryset.tagged(obj)


class AuthorFeed(LatestArticlesFeed):
    url_name = "articles:author_feed"

    def url_args(self, obj):
        return [obj.slug]

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def filter_items(self, queryset, obj):
        return queryset.by_author(obj)
