"""Hexo posts: read one file into ``PostData``, save ``PostData`` as an article.

Parsing is pure (no database) so it can be tested on its own; saving runs in
one transaction per post and is idempotent on ``source_key``.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from markdown_it import MarkdownIt

from ..fields import CleanHTML
from ..models import Article, Author, Category
from ..sanitizer import clean_html
from ..slugs import unique_slug
from ..text import html_to_text, summarize
from ..validators import validate_image_url
from .dates import DateError, date_from_filename, parse_date
from .frontmatter import FrontMatterError, split_front_matter

POST_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
MORE_MARKER = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
_AUTHOR_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")
_IMAGE_KEYS = ["headimg", "cover", "header-img", "thumbnail", "photos"]
_MAX_TITLE = 255

_markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


class PostError(ValueError):
    """A post that cannot be imported; the message says why."""


@dataclass
class PostData:
    source_key: str
    path: Path
    title: str
    body: str
    summary: str
    published_at: dt.datetime
    is_draft: bool = False
    category_paths: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    allow_comments: bool = True
    head_image_url: str = ""
    thumbnail_url: str = ""
    slug: str = ""
    checksum: str = ""
    warnings: list = field(default_factory=list)


def find_posts(paths):
    """Yield ``(file, root)`` for every post under ``paths``, in a stable order.

    ``root`` is the directory named on the command line (or a file's own
    directory); the source key is the file's path relative to it.
    """
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                if path.is_file() and path.suffix.lower() in POST_SUFFIXES:
                    yield path, given
        else:
            yield given, given.parent


def parse_post(path, root, *, tz):
    """Read the Hexo post at ``path`` into ``PostData``; raise ``PostError``."""
    path, root = Path(path), Path(root)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PostError(f"cannot read the file: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PostError(f"not UTF-8 text (byte {error.start})") from None
    try:
        meta, content = split_front_matter(text)
    except FrontMatterError as error:
        raise PostError(str(error)) from None

    warnings = []
    body_html = _render_body(content, path.suffix.lower())
    body_html = clean_html(body_html)
    title = _title(meta, path, body_html)
    published_at = _published_at(meta, path, tz, warnings)

    return PostData(
        source_key="hexo:" + path.relative_to(root).as_posix(),
        path=path,
        title=title,
        body=body_html,
        summary=_summary(meta, content, path.suffix.lower(), body_html),
        published_at=published_at,
        is_draft=meta.get("published") is False,
        category_paths=_category_paths(meta.get("categories", meta.get("category"))),
        tags=_tags(meta.get("tags")),
        authors=_authors(meta.get("author")),
        allow_comments=meta.get("comments") is not False,
        head_image_url=_image(meta, _IMAGE_KEYS, warnings),
        thumbnail_url=_image(meta, ["thumbnail"], warnings),
        slug=str(meta.get("slug") or "").strip(),
        checksum=hashlib.sha256(raw).hexdigest(),
        warnings=warnings,
    )


def _render_body(content, suffix):
    if suffix in (".md", ".markdown"):
        return _markdown.render(content)
    return content


def _title(meta, path, body_html):
    title = meta.get("title")
    title = "" if title is None else str(title).strip()
    if not title:
        title = re.sub(r"^\d{4}-\d{1,2}-\d{1,2}-", "", path.stem).strip()
    if not title:
        first_line = html_to_text(body_html).split("\n", 1)[0]
        title = summarize(first_line, limit=40)
    if not title:
        raise PostError("no title, and no text to make one from")
    return title[:_MAX_TITLE]


def _published_at(meta, path, tz, warnings):
    value = meta.get("date")
    try:
        if value not in (None, ""):
            return parse_date(value, tz)
        from_name = date_from_filename(path.name, tz)
    except DateError as error:
        raise PostError(str(error)) from None
    if from_name is not None:
        return from_name
    # Hexo's own fallback for a post without a date: the file's time.
    warnings.append("no date; used the file's modification time")
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)


def _summary(meta, content, suffix, body_html):
    for key in ("excerpt", "description"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return summarize(f"<p>{value}</p>", limit=300)
    parts = MORE_MARKER.split(content, maxsplit=1)
    if len(parts) == 2:
        excerpt = clean_html(_render_body(parts[0], suffix))
        return summarize(excerpt, limit=300)
    return summarize(body_html)


def _category_paths(value):
    """Hexo semantics: ``A`` and ``[A, B]`` are one path (A > B); a list that
    holds lists is several paths, one per item."""
    if value in (None, "", []):
        return []
    if not isinstance(value, list):
        return [[str(value).strip()]]
    if any(isinstance(item, list) for item in value):
        paths = [item if isinstance(item, list) else [item] for item in value]
    else:
        paths = [value]
    cleaned = [[str(name).strip() for name in path if name is not None and str(name).strip()] for path in paths]
    return [path for path in cleaned if path]


def _tags(value):
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    tags = []
    for item in items:
        name = str(item).strip() if item is not None else ""
        if name and name not in tags:
            tags.append(name[:100])
    return tags


def _authors(value):
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else _AUTHOR_SEPARATORS.split(str(value))
    return [str(item).strip()[:100] for item in items if item is not None and str(item).strip()]


def _image(meta, keys, warnings):
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if not value:
            continue
        value = str(value).strip()
        try:
            validate_image_url(value)
        except ValidationError:
            warnings.append(f"ignored {key}: not an http(s) address or a site path: {value[:80]}")
            continue
        return value[:1000]
    return ""


@dataclass
class SaveResult:
    article: Article | None
    action: str  # "created", "updated", "unchanged" or "kept" (edited in the CMS)


def save_post(post):
    """Create or update the article for ``post``; one transaction.

    A re-run finds the article by ``source_key``. It is left alone when the
    file has not changed, and also when someone has edited it in the CMS
    since it was imported (the editors' work wins; the result says "kept").
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(source_key=post.source_key).first()
        if article is not None:
            if article.source_checksum == post.checksum:
                return SaveResult(article, "unchanged")
            if article.imported_at is None or article.updated_at != article.imported_at:
                return SaveResult(article, "kept")
            action = "updated"
        else:
            article = Article(source_key=post.source_key)
            if not post.is_draft:
                article.status = Article.Status.PUBLISHED
            if post.slug:
                article.slug = _free_slug(post.slug)
            action = "created"

        article.title = post.title
        article.body = CleanHTML(post.body)  # cleaned by parse_post
        article.summary = post.summary
        article.published_at = post.published_at
        article.allow_comments = post.allow_comments
        article.head_image_url = post.head_image_url
        article.thumbnail_url = post.thumbnail_url
        article.source_checksum = post.checksum
        article.save()

        article.categories.set([_category_for(path) for path in post.category_paths])
        article.tags.set(post.tags, clear=True)
        article.set_authors([_author_for(name) for name in post.authors])
        # Mark the import time as the article's current version, so any later
        # save (an editor's) is visible as updated_at != imported_at.
        Article.objects.filter(pk=article.pk).update(imported_at=F("updated_at"))
        return SaveResult(article, action)


def _free_slug(wanted):
    return unique_slug(Article.objects.all(), wanted)


def _category_for(path):
    parent = None
    for name in path:
        category = Category.objects.filter(parent=parent, name=name[:100]).first()
        if category is None:
            category = Category.objects.create(parent=parent, name=name[:100])
        parent = category
    return parent


def _author_for(name):
    author = Author.objects.filter(name=name).first()
    return author or Author.objects.create(name=name)
