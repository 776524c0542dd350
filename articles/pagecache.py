"""Whole-page caching for readers, invalidated correctly.

Anonymous GET and HEAD requests for public pages are answered from the cache
(Redis with ``REDIS_URL``, else the file cache every process on the machine
shares). Every key carries the site's *content version*: any change to
articles, sections, authors or tags, and any workflow move, starts a new
version, so readers never see a page older than the last change. The version
also records when the next scheduled article is due; the first request after
that moment starts a new version, so a scheduled article appears on every
cached page within a second of its time, with no job to run. Anyone with a
session cookie (staff) bypasses the cache both ways.

Cached responses carry an ETag, and a matching ``If-None-Match`` gets a 304.
"""

import hashlib
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

VERSION_KEY = "pagecache:version"
EXCLUDED_PREFIXES = ("/admin/", "/preview/", "/search/", "/healthz", "/bench/", "/media/", "/static/")


def _new_version():
    """A fresh version token, with the time the next scheduled article goes live."""
    from .models import Article

    next_due = (
        Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    )
    version = (time.time_ns(), next_due.timestamp() if next_due else None)
    cache.set(VERSION_KEY, version, timeout=None)
    return version


class _Batch:
    """While a bulk job runs, start a new version at most every ``interval``
    seconds (and once at the end) instead of after every row it commits."""

    def __init__(self, interval):
        self.interval = interval
        self.last = time.monotonic()
        self.pending = False

    def changed(self):
        self.pending = True
        if time.monotonic() - self.last >= self.interval:
            self.flush()

    def flush(self):
        if self.pending:
            _new_version()
        self.pending = False
        self.last = time.monotonic()


_batch = None


@contextmanager
def batched(interval=5.0):
    """Use around imports: readers see new articles within ``interval`` seconds."""
    global _batch
    outer, _batch = _batch, _Batch(interval)
    try:
        yield
    finally:
        batch, _batch = _batch, outer
        batch.flush()


def _version_after_commit():
    if _batch is not None:
        _batch.changed()
    else:
        _new_version()


def content_changed(**kwargs):
    """Signal receiver: every cached page is out of date once this commits.

    An import or an admin save touches many rows in one transaction; they
    make one new version, at commit (a rollback makes none).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _version_after_commit()
    elif not any(callback is _version_after_commit for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(_version_after_commit)


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None or (version[1] is not None and time.time() >= version[1]):
        version = _new_version()
    return version[0]


def request_version(request):
    """``current_version()``, read once per request however many parts ask."""
    if request is None:
        return current_version()
    try:
        return request.content_version
    except AttributeError:
        request.content_version = current_version()
        return request.content_version


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request, request_version(request))
        cached = cache.get(key)
        if cached is not None:
            return get_conditional_response(request, etag=cached["ETag"], response=cached) or cached
        response = self.get_response(request)
        if self._cacheable_response(response):
            response["ETag"] = '"%s"' % hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            response["Last-Modified"] = http_date()
            patch_cache_control(
                response, public=True, max_age=settings.PAGE_CACHE_BROWSER_SECONDS, must_revalidate=True
            )
            patch_vary_headers(response, ["Cookie"])
            cache.set(key, response, timeout=settings.PAGE_CACHE_SECONDS)
            return get_conditional_response(request, etag=response["ETag"], response=response) or response
        return response

    @staticmethod
    def _cacheable_request(request):
        return (
            settings.PAGE_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(EXCLUDED_PREFIXES)
        )

    @staticmethod
    def _cacheable_response(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _key(request, version):
        url = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
        return f"pagecache:{version}:{request.method}:{settings.LANGUAGE_CODE}:{url}"
