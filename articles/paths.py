"""Article addresses without the URL resolver, and absolute addresses.

``reverse()`` costs tens of microseconds a call, and list pages, feeds,
related articles and sitemaps build hundreds of article addresses. The
detail route is reversed once (per script prefix) and the id and slug put
after it, quoted exactly as ``reverse()`` quotes them.
"""

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from django.urls import get_script_prefix, reverse

_SLUG = re.compile(r"[-\w]+")  # the uslug converter's pattern
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=8)
def _detail_prefix(script_prefix):
    path = reverse("articles:detail", kwargs={"pk": 0, "slug": "-"})
    return path[: path.rindex("/0/-/") + 1]


def detail_prefix():
    """What every article address starts with (``/articles/``), for loops over many."""
    return _detail_prefix(get_script_prefix())


def article_path(pk, slug, prefix=None):
    """The same as ``reverse("articles:detail", kwargs={"pk": pk, "slug": slug})``."""
    if not _SLUG.fullmatch(slug):
        return reverse("articles:detail", kwargs={"pk": pk, "slug": slug})  # raises NoReverseMatch
    return f"{prefix or detail_prefix()}{pk}/{_quote(slug)}/"


def _quote(slug):
    # A slug is letters, digits, "_" and "-": reverse() (urllib's quote) leaves
    # the ASCII ones alone and percent-encodes the rest as UTF-8. The same, a
    # run of characters at a time rather than byte by byte.
    return _NON_ASCII.sub(lambda run: "%" + run.group().encode().hex("%").upper(), slug)


@lru_cache(maxsize=8)
def _origin(site_url):
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}"


def absolute(url):
    """``url`` on ``SITE_URL``, as ``urljoin`` makes it (already-absolute URLs
    are left alone); a site path, the common case, without parsing it."""
    if url.startswith("/") and not url.startswith("//"):
        return _origin(settings.SITE_URL) + url
    return urljoin(settings.SITE_URL + "/", url)
