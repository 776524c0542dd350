"""RSS 2.0 and Atom feeds: the whole site, and per section, tag and author.

Each item carries the full sanitised body (``content:encoded`` in RSS,
``<content type="html">`` in Atom), the summary, the bylines, the sections
and tags, and the head image as an enclosure. The views choose the articles;
``feedwriter`` writes the documents. An item is written once per article and
content version (``fragments.feed_items``): a feed then costs the query for
its articles' ids, like a list page.
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

from . import counts, feedwriter, fragments, pagecache, relations
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
    kind = "rss"
    write = staticmethod(feedwriter.rss)
    write_item = staticmethod(feedwriter.rss_item)
    content_type = "application/rss+xml; charset=utf-8"

    def __call__(self, request, *args, **kwargs):
        obj = self.get_object(request, *args, **kwargs)
        version = pagecache.request_version(request)
        latest = self.latest(obj, version)
        items = fragments.feed_items(self.kind, [pk for pk, *_ in latest], version, self.write_items)
        updated = max((max(published, changed) for _, published, changed in latest), default=None)
        channel = feedwriter.Channel(
            title=self.title(obj),
            link=self.link(obj),
            description=self.description(obj),
            feed_url=absolute(reverse(self.url_name, args=self.url_args(obj))),
            language=settings.LANGUAGE_CODE,
            updated=updated or timezone.now(),
        )
        response = HttpResponse(self.write(channel, items), self.content_type)
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

    def filter_items(self, queryset, obj, version):
        return queryset

    def latest(self, obj, version):
        """The id, publication time and last change of the latest published articles."""
        queryset = self.filter_items(Article.objects.published(), obj, version)
        return list(queryset.values_list("pk", "published_at", "updated_at")[: settings.FEED_ITEMS])

    def write_items(self, article_ids):
        """Each article's item, written ({id: text}), with the names of its
        bylines, sections and tags: a feed needs no model objects."""
        related = relations.names(article_ids)
        rows = Article.objects.filter(pk__in=article_ids).order_by().values(*ITEM_COLUMNS)  # kept_each orders them
        return {row["pk"]: self.write_item(self.entry({**row, **related[row["pk"]]})) for row in rows}

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
    kind = "atom"
    write = staticmethod(feedwriter.atom)
    write_item = staticmethod(feedwriter.atom_entry)
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

    def filter_items(self, queryset, obj, version):
        return counts.in_section(queryset, obj, version, wanted=settings.FEED_ITEMS)


class TagFeed(LatestArticlesFeed):
    url_name = "articles:tag_feed"

    def url_args(self, obj):
        return [obj.slug]

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def link(self, obj=None):
        return absolute(reverse("articles:tag", args=[obj.slug]))

    def filter_items(self, queryset, obj, version):
        return queryset.tagged(obj)


class AuthorFeed(LatestArticlesFeed):
    url_name = "articles:author_feed"

    def url_args(self, obj):
        return [obj.slug]

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def filter_items(self, queryset, obj, version):
        return queryset.by_author(obj)
