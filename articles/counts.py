"""Counts and id lists kept per content version, and the section plans the
counts choose.

Counting a list's articles on every request would cost a pass over them, and
reading a deep page of it a walk past every newer one, so each count (and
each list's newest ids, for its pages after the first) is read once per
content version (the key carries it) and kept in the cache; every change
starts a new version, so none is ever stale.
"""

from django.core.cache import cache

from .models import Article

KEEP_SECONDS = 24 * 3600


def count_key(version, name):
    return f"articles:count:{version}:{name}"


def kept(key, make):
    """``make()``, made once per content version (``key`` carries it) and
    kept in the cache for every process."""
    return cache.get_or_set(key, make, timeout=KEEP_SECONDS)


def cached_count(key, queryset):
    """``queryset.count()``, counted once per content version. ``queryset`` may
    be a function making it: built only when counted."""
    return kept(key, lambda: (queryset() if callable(queryset) else queryset).count())


def in_section(queryset, category, version, *, wanted, size=None):
    """``queryset`` narrowed to ``category`` and the sections below it, read
    by the cheaper of two plans (``ArticleQuerySet.in_category``) for a page
    reaching the section's ``wanted`` newest articles.

    Gathering the section's ids costs about a lookup per article in it;
    walking the newest articles until ``wanted`` of the section's are found
    costs about ``wanted`` × (all articles / the section's). The first page
    of any section worth walking then costs far less than the section's
    size. ``size`` is the section's count, when the caller has it.
    """
    if size is None:
        size = cached_count(count_key(version, f"section:{category.pk}"), lambda: queryset.in_category(category))
    everything = cached_count(count_key(version, "/"), Article.objects.published)
    return queryset.in_category(category, walk=wanted * everything <= size * size)
