"""Unique, human-readable slugs that keep Chinese characters."""

from django.db.models import Q
from django.utils.text import slugify

SLUG_LENGTH = 80


def slug_from(text, *, max_length=SLUG_LENGTH, fallback="article"):
    """Slugify ``text`` keeping non-ASCII letters, cut to ``max_length``."""
    slug = slugify(str(text or ""), allow_unicode=True)[:max_length].strip("-")
    return slug or fallback


def unique_slug(queryset, text, *, max_length=SLUG_LENGTH, fallback="article"):
    """Return a slug for ``text`` that no row of ``queryset`` uses yet.

    A taken slug gets a numeric suffix (``-2``, ``-3``...); the base is
    shortened so that the result still fits in ``max_length``.
    """
    base = slug_from(text, max_length=max_length, fallback=fallback)
    taken = taken_slugs(queryset, [base], max_length=max_length)
    return free_slug(text, taken, max_length=max_length, fallback=fallback)


def taken_slugs(queryset, bases, *, max_length=SLUG_LENGTH):
    """The slugs in ``queryset`` that ``unique_slug`` would find taken for
    any of ``bases``: one query for all of them."""
    stems = {base[: max_length - 7].rstrip("-") for base in bases}
    if not stems:
        return set()
    matches = Q()
    for stem in stems:
        matches |= Q(slug__startswith=stem)
    return set(queryset.filter(matches).values_list("slug", flat=True))


def free_slug(text, taken, *, max_length=SLUG_LENGTH, fallback="article"):
    """The slug ``unique_slug`` gives ``text`` when ``taken`` are in use; it is
    added to ``taken``, so the next call sees it as used."""
    base = slug_from(text, max_length=max_length, fallback=fallback)
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(slug)
    return slug
