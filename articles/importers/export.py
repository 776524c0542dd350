"""Articles as Hexo posts: YAML front matter and an HTML body.

``import_hexo`` reads these back into the same articles. Keys beyond Hexo's
own (documented in the README): ``status`` (``draft``, ``review`` or
``scheduled``; absent when published), ``headimg_alt``. Articles that are
not live carry ``published: false`` so Hexo itself would not show them.
Braces in the body are written as ``&#123;``/``&#125;``, so Hexo's template
engine (and our tag-plugin reader) leaves them alone; the sanitizer turns
them back into braces on import.
"""

import os
import tempfile
from pathlib import Path

import yaml
from django.utils import timezone

from ..categories import get_tree
from ..models import Article
from ..slugs import slug_from

MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name


def front_matter(article, tree):
    """The front matter of ``article`` as an ordered dict."""
    tz = timezone.get_current_timezone()
    meta = {"title": article.title, "slug": article.slug}
    when = article.published_at or article.created_at
    meta["date"] = when.astimezone(tz)
    meta["updated"] = article.updated_at.astimezone(tz)
    status = _status(article)
    if status != "published":
        meta["published"] = False
        meta["status"] = status
    paths = [
        [node.name for node in tree.ancestors(category.pk, include_self=True)] for category in article.categories.all()
    ]
    paths = [path for path in paths if path]
    if len(paths) == 1:
        meta["categories"] = paths[0]
    elif paths:
        meta["categories"] = paths
    tags = sorted(tag.name for tag in article.tags.all())
    if tags:
        meta["tags"] = tags
    authors = [byline.author.name for byline in article.bylines.all()]
    if authors:
        meta["author"] = authors[0] if len(authors) == 1 and not _has_separator(authors[0]) else authors
    meta["comments"] = article.allow_comments
    if article.summary:
        meta["excerpt"] = article.summary
    if article.image_url:
        meta["headimg"] = article.image_url
    if article.head_image_alt:
        meta["headimg_alt"] = article.head_image_alt
    if article.thumbnail_url:
        meta["thumbnail"] = article.thumbnail_url
    if article.legacy_path:
        meta["permalink"] = article.legacy_path
    return meta


def post_text(article, tree):
    meta = yaml.safe_dump(front_matter(article, tree), allow_unicode=True, sort_keys=False, width=1000)
    body = article.body.replace("{", "&#123;").replace("}", "&#125;")
    return f"---\n{meta}---\n{body}\n"


def export_articles(outdir, articles=None):
    """Write every article into ``outdir``; returns the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    tree = get_tree()
    articles = articles if articles is not None else Article.objects.all()
    articles = articles.order_by("pk").prefetch_related("categories", "tags", "bylines__author")
    used, written = set(), []
    for article in articles.iterator(chunk_size=500):
        name = file_name(article, used)
        _write(outdir / name, post_text(article, tree))
        written.append(outdir / name)
    return written


def file_name(article, used):
    """A safe, unique ``.html`` name: the slug, never a path (no ``/``, no ``..``)."""
    stem = _cut(slug_from(article.slug or article.title), MAX_NAME_BYTES)
    if stem.casefold() in used:  # unique on case-insensitive file systems too
        stem = _cut(stem, MAX_NAME_BYTES - 12) + f"-{article.pk}"
    used.add(stem.casefold())
    return f"{stem}.html"


def _status(article):
    if article.status == Article.Status.PUBLISHED:
        return "scheduled" if article.published_at > timezone.now() else "published"
    return article.status


def _has_separator(name):
    return any(mark in name for mark in ",，、;；")


def _cut(text, max_bytes):
    encoded = text.encode("utf-8")[:max_bytes]
    return encoded.decode("utf-8", errors="ignore").rstrip("-") or "article"


def _write(path, text):
    """Write through a temporary file, so a reader never sees half a post."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
