"""RSS 2.0 and Atom feeds: the whole site, and per section, tag and author.

Each item carries the full sanitised body (``content:encoded`` in RSS,
``<content type="html">`` in Atom), the summary, the bylines, the sections
and tags, and the head image as an enclosure. The views choose the articles;
``feedwriter`` writes the documents.
"""

import mimetypes
import re

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
from .paths import absolute, article_path
from .slugs import slug_from


_SITE_RELATIVE = re.compile(r'\b(src|href)="/(?!/)')


def absolute_links(html):
    """Feed readers show bodies away from the site: site paths become full URLs."""
    if '="/' not in html:
        return html  # nothing to change (a quick look before the pattern's slower one)
    return _SITE_RELATIVE.sub(lambda match: f'{match.group(1)}="{settings.SITE_URL}/', html)


ITEM_COLUMNS = ("pk", "slug", "title", "summary", "body", "published_at", "updated_at", "head_image", "head_image_url")


class LatestArticlesFeed:
    """RSS 2.0 of the latest published articles; subclasses narrow the list
    (``get_object``, ``filter_items``) or write Atom."""

    url_name = "articles:feed"
    write = staticmethod(feedwriter.rss)
    content_type = "application/rss+xml; charset=utf-8"

    def __call__(self, request, *args, **kwargs):
        obj = self.get_object(request, *args, **kwargs)
        rows = self.items(obj)
        updated = max((max(row["updated_at"], row["published_at"]) for row in rows), default=None)
        channel = feedwriter.Channel(
            title=self.title(obj),
            link=self.link(obj),
            description=self.description(obj),
            feed_url=absolute(reverse(self.url_name, args=self.url_args(obj))),
            language=settings.LANGUAGE_CODE,
            updated=updated or timezone.now(),
        )
        response = HttpResponse(self.write(channel, [self.entry(row) for row in rows]), self.content_type)
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
        """The latest published articles as plain rows, with the names of their
        bylines, sections and tags: a feed needs no model objects."""
        rows = list(self.filter_items(Article.objects.published(), obj).values(*ITEM_COLUMNS)[: settings.FEED_ITEMS])
        related = relations.names([row["pk"] for row in rows])
        for row in rows:
            row.update(related[row["pk"]])
        return rows

    def entry(self, row):
        image = Article.image_address(row["head_image"], row["head_image_url"])
        mime = (mimetypes.guess_type(image.split("?", 1)[0])[0] or "image/jpeg") if image else None
        return feedwriter.Entry(
            title=row["title"],
            link=absolute(article_path(row["pk"], row["slug"] or slug_from(row["title"]))),
            guid=absolute(f"/articles/{row['pk']}/"),
            summary=row["summary"],
            content=absolute_links(row["body"]),
            published=row["published_at"],
            updated=row["updated_at"],
            authors=row["authors"],
            categories=row["categories"] + row["tags"],
            # The size is unknown for remote images; feed readers accept 0.
            enclosure=(absolute(image), mime) if image else None,
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
