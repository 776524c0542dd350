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

MAX_CARDS = 5000

_cards = OrderedDict()
_lock = Lock()


def render_cards(article_ids, version):
    """The HTML of each article's card, in the order of ``article_ids``."""
    from .models import Article

    language = settings.LANGUAGE_CODE
    found, missing = {}, []
    with _lock:
        for pk in article_ids:
            html = _cards.get((pk, version, language))
            if html is None:
                missing.append(pk)
            else:
                _cards.move_to_end((pk, version, language))
                found[pk] = html
    if missing:
        articles = list(Article.objects.filter(pk__in=missing).defer("body"))
        relations.attach(articles)
        for article in articles:
            html = mark_safe(render_to_string("articles/_card.html", {"article": article}))
            found[article.pk] = html
            with _lock:
                _cards[(article.pk, version, language)] = html
                while len(_cards) > MAX_CARDS:
                    _cards.popitem(last=False)
    return [found[pk] for pk in article_ids if pk in found]


_articles = OrderedDict()
MAX_ARTICLES = 1000


def render_article(article, version, context):
    """The HTML of an article page's main part (``_article.html``), rendered
    once per content version; ``context`` is used when it is not known yet."""
    key = (article.pk, version, settings.LANGUAGE_CODE)
    with _lock:
        html = _articles.get(key)
        if html is not None:
            _articles.move_to_end(key)
            return html
    html = mark_safe(render_to_string("articles/_article.html", context))
    with _lock:
        _articles[key] = html
        while len(_articles) > MAX_ARTICLES:
            _articles.popitem(last=False)
    return html


def forget():
    with _lock:
        _cards.clear()
        _relations.clear()
        _articles.clear()


_relations = OrderedDict()
MAX_RELATIONS = 2000


def with_relations(article, version, related):
    """Give ``article`` its bylines, sections and tags (as a prefetch would) and
    return its related articles, loading them only once per content version.

    ``related`` computes the related articles when they are not known yet.
    """
    key = (article.pk, version)
    with _lock:
        known = _relations.get(key)
        if known is not None:
            _relations.move_to_end(key)
    if known is None:
        relations.attach([article])
        known = {**relations.prefetched(article), "related": related(article)}
        with _lock:
            _relations[key] = known
            while len(_relations) > MAX_RELATIONS:
                _relations.popitem(last=False)
    else:
        relations.set_prefetched(article, {name: known[name] for name in relations.RELATIONS})
    return known["related"]
