"""Unique, human-readable slugs that keep Chinese characters."""

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
    stem = base[: max_length - 7].rstrip("-")
    taken = set(queryset.filter(slug__startswith=stem).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1
