"""Rendered cards, feed items, article parts and the site's header and
footer, kept per process and per content version.

A list page shows 20 cards; rendering them (with their bylines, sections and
dates) is most of the page's cost, as writing its items (full bodies,
escaped) is most of a feed's. A card or an item changes only when content
changes, and every content change starts a new version (``pagecache``), so
they are kept under ``(kind, article, version, language)`` in small
per-process LRUs: a list page or a feed then costs one query for its
articles' ids and renders only what it has not seen since the last change.
An article page keeps its parts (its metadata, the article and its related
articles) the same way, and shares them with the other processes through
the cache; the header, footer and site links are kept per version and
language. What is per request is still done per request: the query that
finds the article live, the page around the parts, the CSP nonce.
"""

from collections import OrderedDict
from threading import Lock
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import relations, structured
from .categories import get_tree


class Recent:
    """A dict of at most ``size`` entries that forgets the least recently used.

    Every one made is emptied by ``forget()``.
    """

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = Lock()
        _every.append(self)

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


_every = []
_cards = Recent(5000)
_articles = Recent(1000)
_parts = Recent(200)
_feed_items = Recent(2000)  # the feeds of every section, tag and author share them


def kept_each(kept, kind, ids, version, write):
    """Text for each of ``ids``, in their order: what ``write(missing_ids)``
    (a dict from id to text) made of it in this content version, kept in
    ``kept`` under ``(kind, id, version, language)``."""
    language = settings.LANGUAGE_CODE
    found = {pk: text for pk in ids if (text := kept.get((kind, pk, version, language))) is not None}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        for pk, text in write(missing).items():
            kept.put((kind, pk, version, language), text)
            found[pk] = text
    return [found[pk] for pk in ids if pk in found]


def render_cards(article_ids, version):
    """The HTML of each article's card, in the order of ``article_ids``."""
    return kept_each(_cards, "card", article_ids, version, _render_cards)


def _render_cards(article_ids):
    from .models import Article

    articles = list(Article.objects.filter(pk__in=article_ids).order_by().defer("body"))  # kept_each orders them
    relations.attach(articles)
    return {
        article.pk: mark_safe(render_to_string("articles/_card.html", {"article": article})) for article in articles
    }


def feed_items(kind, article_ids, version, write):
    """Each article's feed item of ``kind`` ("rss", "atom"), in the order of
    ``article_ids``; ``write`` writes those not kept (``feeds``)."""
    return kept_each(_feed_items, kind, article_ids, version, write)


class ArticleParts(NamedTuple):
    """What an article page shows of the article: the same for every reader
    until the content changes."""

    head: str  # <title>, description, canonical address, social metadata
    main: str  # the article and its related articles (_article.html)
    json_ld: str  # the NewsArticle data block's text; the page adds its nonce


def article_parts(article, related, *, preview=False):
    """Render ``article``'s parts; it needs its relations (``relations.attach``)."""
    context = {"article": article, "trails": section_trails(article), "related": related, "preview": preview}
    return ArticleParts(
        head=mark_safe(render_to_string("articles/_article_head.html", context)),
        main=mark_safe(render_to_string("articles/_article.html", context)),
        json_ld=mark_safe(structured.news_article_json(article)),
    )


# Article parts are also shared through the cache (Redis, or the file cache of
# the machine), so an article is rendered once per content version for every
# worker, not once in each.
SHARED_SECONDS = 24 * 3600


def _shared_key(pk, version):
    return f"fragments:article:{version}:{settings.LANGUAGE_CODE}:{pk}"


def kept_article(pk, version):
    """The parts kept for article ``pk`` in this content version, by this
    process or another one, or None."""
    key = (pk, version, settings.LANGUAGE_CODE)
    parts = _articles.get(key)
    if parts is None:
        parts = cache.get(_shared_key(pk, version))
        if parts is not None:
            _articles.put(key, parts)
    return parts


def keep_article(pk, version, parts):
    _articles.put((pk, version, settings.LANGUAGE_CODE), parts)
    cache.set(_shared_key(pk, version), parts, timeout=SHARED_SECONDS)


def section_trails(article):
    """Breadcrumbs: the path down to each of the article's sections."""
    tree = get_tree()
    trails = [tree.ancestors(category.pk, include_self=True) for category in article.categories.all()]
    return [trail for trail in trails if trail]


def render_part(template_name, key, context):
    """A part of the page around the content (header, footer, links), rendered
    with ``context`` once per ``key``: keys carry what the part depends on."""
    return _kept_part(template_name, key, lambda: render_in(context, template_name))


def kept_render(template_name, key, make_context):
    """``template_name`` rendered with ``make_context()`` once per ``key`` (which
    carries the content version), for a view's part that is the same for every
    reader."""
    return _kept_part(template_name, key, lambda: mark_safe(render_to_string(template_name, make_context())))


def _kept_part(template_name, key, render):
    key = (template_name, settings.LANGUAGE_CODE, *key)
    html = _parts.get(key)
    if html is None:
        html = render()
        _parts.put(key, html)
    return html


def render_in(context, template_name):
    """``template_name`` rendered with the context of the template being
    rendered, as ``{% include %}`` does."""
    return mark_safe(context.template.engine.get_template(template_name).render(context))


def forget():
    for kept in _every:
        kept.clear()
