"""RSS 2.0 and Atom feeds: the whole site, and per section, tag and author.

Each item carries the full sanitised body (``content:encoded`` in RSS,
``<content type="html">`` in Atom), the summary, the bylines, the sections
and tags, and the head image as an enclosure.
"""

import mimetypes
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _
from taggit.models import Tag

from . import relations
from .categories import get_tree
from .models import Article, Author


def absolute(url):
    return urljoin(settings.SITE_URL + "/", url)


_SITE_RELATIVE = re.compile(r'\b(src|href)="/(?!/)')


def absolute_links(html):
    """Feed readers show bodies away from the site: site paths become full URLs."""
    return _SITE_RELATIVE.sub(lambda match: f'{match.group(1)}="{settings.SITE_URL}/', html)


class ContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full body in ``content:encoded``."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(Atom1Feed):
    """Atom with the full body as ``<content type="html">``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    feed_type = ContentRssFeed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The generator writes the feed a few bytes at a time, each a chunk of
        # the response: joined, it goes to the socket (and the cache) at once
        # instead of in thousands of small writes.
        response.content = response.content
        return response

    def title(self, obj=None):
        name = _("Newsroom")
        return f"{obj} | {name}" if obj is not None else name

    def description(self, obj=None):
        return _("Finance, technology and business news.")

    def link(self, obj=None):
        return absolute(obj.get_absolute_url() if obj is not None else "/")

    url_name = "articles:feed"

    def feed_url(self, obj=None):
        return absolute(reverse(self.url_name, args=self.url_args(obj)))

    def url_args(self, obj):
        return []

    def filter_items(self, queryset, obj):
        return queryset

    def items(self, obj=None):
        articles = list(self.filter_items(Article.objects.published(), obj)[: settings.FEED_ITEMS])
        relations.attach(articles)
        return articles

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(f"/articles/{item.pk}/")

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return "、".join(author.name for author in item.authors.all()) or None

    def item_categories(self, item):
        return [category.name for category in item.categories.all()] + [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        url = item.image_url
        if not url:
            return []
        mime = mimetypes.guess_type(url.split("?", 1)[0])[0] or "image/jpeg"
        # The size is unknown for remote images; RSS readers accept 0.
        return [Enclosure(absolute(url), "0", mime)]

    def item_extra_kwargs(self, item):
        return {"content": absolute_links(item.body)}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = ContentAtomFeed
    url_name = "articles:feed_atom"
    subtitle = LatestArticlesFeed.description


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
