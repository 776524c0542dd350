"""Rendered cards and articles, and article relations, kept per process and
per content version.

A list page shows 20 cards; rendering them (with their bylines, sections and
dates) is most of the page's cost. A card changes only when content changes,
and every content change starts a new version (``pagecache``), so cards are
kept under ``(article, version, language)`` in a small per-process LRU: a
list page then costs one query for the page's ids and renders only cards it
has not seen since the last change. An article page keeps its main part (the
article and its related articles) the same way, and renders afresh only what
is per request (the page around it, its metadata).
"""

from collections import OrderedDict
from threading import Lock

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import relations


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
_relations = Recent(2000)


def render_cards(article_ids, version):
    """The HTML of each article's card, in the order of ``article_ids``."""
    from .models import Article

    language = settings.LANGUAGE_CODE
    found = {pk: html for pk in article_ids if (html := _cards.get((pk, version, language))) is not None}
    missing = [pk for pk in article_ids if pk not in found]
    if missing:
        articles = list(Article.objects.filter(pk__in=missing).defer("body"))
        relations.attach(articles)
        for article in articles:
            found[article.pk] = mark_safe(render_to_string("articles/_card.html", {"article": article}))
            _cards.put((article.pk, version, language), found[article.pk])
    return [found[pk] for pk in article_ids if pk in found]


def render_article(article, version, context):
    """The HTML of an article page's main part (``_article.html``), rendered
    once per content version; ``context`` is used when it is not known yet."""
    key = (article.pk, version, settings.LANGUAGE_CODE)
    html = _articles.get(key)
    if html is None:
        html = mark_safe(render_to_string("articles/_article.html", context))
        _articles.put(key, html)
    return html


def forget():
    for kept in _every:
        kept.clear()


def with_relations(article, version, related):
    """Give ``article`` its bylines, sections and tags (as a prefetch would) and
    return its related articles, loading them only once per content version.

    ``related`` computes the related articles when they are not known yet.
    """
    key = (article.pk, version)
    known = _relations.get(key)
    if known is None:
        relations.attach([article])
        known = {**relations.prefetched(article), "related": related(article)}
        _relations.put(key, known)
    else:
        relations.set_prefetched(article, {name: known[name] for name in relations.RELATIONS})
    return known["related"]
