"""RSS 2.0, RSS 1.0 and Atom entries as articles (feedparser).

Fetching is ours (urllib), so it is bounded: http(s) only (redirects too),
a timeout for the whole download, a size cap, a User-Agent, and a
conditional GET with the ETag and Last-Modified the last fetch returned.
Feed content is untrusted: titles become plain text, bodies go through the
sanitizer, image addresses are checked.

An entry's source key is ``feed:<feed address>#<entry id or link>``, so a
re-run updates entries instead of duplicating them.
"""

import datetime as dt
import hashlib
import html
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError

from ..models import Article
from ..text import html_to_text, summarize
from ..validators import validate_image_url
from . import limits
from .markup import MarkupError, clean_with_warnings
from .store import ArticleData

USER_AGENT = "NewsroomFeedImporter/1.0 (+{site})"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)


class FeedError(Exception):
    """The feed cannot be fetched or read; the message says why."""


@dataclass
class Fetched:
    content: bytes | None  # None: not modified since the last fetch
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""


@dataclass
class FeedOptions:
    """Where a feed's entries go (a subscription's settings, or the command's)."""

    category_path: str = ""
    byline: str = ""
    status: str = Article.Status.DRAFT


@dataclass
class Feed:
    title: str
    entries: list = field(default_factory=list)  # ArticleData
    warnings: list = field(default_factory=list)  # (None, message)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FeedError(f"redirected to a non-http(s) address: {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url, *, etag="", last_modified="", timeout=limits.FEED_TIMEOUT, max_bytes=limits.MAX_FEED_BYTES):
    """Download ``url``; ``Fetched.content`` is None when the server says 304."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FeedError("only http(s) addresses are fetched")
    headers = {"User-Agent": USER_AGENT.format(site=settings.SITE_URL), "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(f"larger than {max_bytes:,} bytes")
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(f"larger than {max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise FeedError(f"took longer than {timeout} s")
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks),
                response.headers.get("ETag", "")[:500],
                response.headers.get("Last-Modified", "")[:100],
                response.headers.get("Content-Type", ""),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Fetched(None, etag, last_modified)
        raise FeedError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise FeedError(f"cannot reach it: {error.reason}") from None
    except (TimeoutError, OSError) as error:
        raise FeedError(f"cannot reach it: {error}") from None


def read_file(path):
    """A feed from a local file (size-capped)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.MAX_FEED_BYTES + 1)
    except OSError as error:
        raise FeedError(f"cannot read the file: {error.strerror}") from None
    if len(data) > limits.MAX_FEED_BYTES:
        raise FeedError(f"larger than {limits.MAX_FEED_BYTES:,} bytes")
    return data


def parse_feed(content, *, feed_key, options, content_type=""):
    """The entries of the feed in ``content`` (bytes) as ``ArticleData``."""
    headers = {"content-type": content_type} if content_type else {}
    # Always bytes: given a string, feedparser would treat it as an address to open.
    parsed = feedparser.parse(bytes(content), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not an RSS or Atom feed{': ' + str(problem)[:120] if problem else ''}")
    feed = Feed(title=_text(parsed.feed.get("title", "")) or feed_key)
    if parsed.get("bozo"):
        feed.warnings.append(
            (None, f"the feed is not well-formed ({str(parsed.get('bozo_exception'))[:120]}); read anyway")
        )
    if len(parsed.entries) > limits.MAX_FEED_ENTRIES:
        feed.warnings.append((None, f"only the first {limits.MAX_FEED_ENTRIES} entries read"))
    seen = set()
    for entry in parsed.entries[: limits.MAX_FEED_ENTRIES]:
        try:
            data = entry_data(entry, feed_key=feed_key, feed_title=feed.title, options=options)
        except MarkupError as error:
            feed.warnings.append((None, f"entry {str(entry.get('id') or entry.get('link'))[:80]!r} left out: {error}"))
            continue
        if data is None:
            feed.warnings.append((None, "an entry with neither title nor content was left out"))
        elif data.source_key not in seen:
            seen.add(data.source_key)
            feed.entries.append(data)
    return feed


def entry_data(entry, *, feed_key, feed_title, options):
    """One entry as ``ArticleData`` (None when it has nothing to show)."""
    warnings = []
    body, body_warnings = clean_with_warnings(_content(entry))
    warnings += body_warnings
    title = _text(entry.get("title", "")) or summarize(body, limit=80)
    if not title:
        return None
    if len(title) > limits.MAX_TITLE_LENGTH:
        title = title[: limits.MAX_TITLE_LENGTH - 1] + "…"
        warnings.append((None, "title cut to 255 characters"))
    entry_id = (entry.get("id") or entry.get("link") or "").strip()
    if not entry_id:
        entry_id = "sha256:" + hashlib.sha256(f"{title}\0{body}".encode()).hexdigest()
    source_key = f"feed:{feed_key}#{entry_id}"
    if len(source_key) > limits.MAX_PATH_LENGTH:
        source_key = "feed:sha256:" + hashlib.sha256(source_key.encode()).hexdigest()
    summary = entry.get("summary", "")
    summary = summarize(clean_with_warnings(summary)[0], limit=1000) if entry.get("content") and summary else ""
    published_at = _published_at(entry)
    data = ArticleData(
        source_key=source_key,
        title=title,
        body=body,
        summary=summary or summarize(body),
        published_at=published_at,
        modified_at=_modified_at(entry, published_at),
        status=options.status,
        category_paths=[parts] if (parts := _path(options.category_path)) else [],
        tags=_terms(entry),
        authors=[options.byline or _text(entry.get("author", "")) or feed_title][:1],
        head_image_url=_image(entry, warnings, thumbnail=False),
        thumbnail_url=_image(entry, warnings, thumbnail=True),
        warnings=warnings,
    )
    data.authors = [name[: limits.MAX_NAME_LENGTH] for name in data.authors if name]
    data.checksum = _checksum(data, entry.get("link", ""))
    return data


def _text(value):
    """Feed titles may carry markup or entities: plain text, one line."""
    return " ".join(html_to_text(str(value)).split())


def _content(entry):
    for item in entry.get("content") or []:
        if item.get("value"):
            return _as_html(item["value"], item.get("type", ""))
    detail = entry.get("summary_detail") or {}
    return _as_html(entry.get("summary", ""), detail.get("type", "text/html"))


def _as_html(value, kind):
    if "html" in kind:
        return value
    return "".join(f"<p>{html.escape(line)}</p>" for line in value.split("\n\n") if line.strip())


def _published_at(entry):
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        when = _time(entry.get(key))
        if when is not None:
            return when
    return None  # undated: published when first seen, and that date is kept


def _time(parsed):
    """feedparser's UTC time tuple as an aware datetime, if it is a plausible one."""
    if not parsed:
        return None
    try:
        when = dt.datetime(*parsed[:6], tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None
    return when if 1900 <= when.year <= 2100 else None


def _modified_at(entry, published_at):
    """The entry's own time of its last change (Atom's ``updated``), kept
    between its publication and now; None without one."""
    value = _time(entry.get("updated_parsed"))
    if value is None or published_at is None:
        return None
    return min(max(value, published_at), dt.datetime.now(dt.UTC))


def _path(category_path):
    return [part.strip()[: limits.MAX_NAME_LENGTH] for part in category_path.split("/") if part.strip()][
        : limits.MAX_CATEGORY_DEPTH
    ]


def _terms(entry):
    names = []
    for tag in entry.get("tags") or []:
        name = _text(tag.get("term") or tag.get("label") or "")[: limits.MAX_NAME_LENGTH]
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names[: limits.MAX_NAMES]


def _image(entry, warnings, *, thumbnail):
    candidates = [item.get("url") for item in entry.get("media_thumbnail") or []]
    if not thumbnail:
        candidates = [
            item.get("url") for item in entry.get("media_content") or [] if item.get("medium", "image") == "image"
        ] + [link.get("href") for link in entry.get("enclosures") or [] if link.get("type", "").startswith("image/")]
    for url in filter(None, candidates):
        try:
            validate_image_url(url)
        except ValidationError:
            warnings.append((None, f"unsafe image address dropped: {url[:80]}"))
            continue
        if url.startswith(("http://", "https://")) and len(url) <= limits.MAX_URL_LENGTH:
            return url
    return ""


def _checksum(data, link):
    when = data.published_at.isoformat() if data.published_at else ""
    fields = [data.title, data.body, data.summary, when, data.status, link]
    fields += [data.category_paths, data.tags, data.authors, data.head_image_url, data.thumbnail_url]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()
