"""Hexo posts: read one file into ``ArticleData`` (pure: no database).

Front-matter keys reach an article only through the mapping below; every
other key (``id``, ``layout``, ``wordpress_id``...) is ignored.

=====================  =============================================
front matter           article
=====================  =============================================
title                  title (else the file name, else the first line)
date                   published_at (else the ``YYYY-MM-DD-`` file-name
                       prefix, else the file's modification time)
updated                updated_at: the time of the last change (not
                       before the date, not in the future)
categories, category   sections: ``[A, B]`` is A › B; a list of lists
                       is several paths
tags                   tags (a list, a flow list or a comma string)
author                 bylines (a string, a list, or ``{name: ...}``)
comments               allow_comments
published: false,      a draft (posts under ``_drafts`` too; a post
password               with a password was secret on the old site)
status                 ``review`` or ``scheduled`` (written by export_hexo)
headimg, cover,        head image (the first that is an http(s)
header-img, photos     address or a site path)
headimg_alt            head image alt text (written by export_hexo)
thumbnail              thumbnail
excerpt, description   summary (else the text before ``<!-- more -->``,
                       else made from the body by the model)
slug                   slug, and Hexo's ``:title`` in the permalink
permalink              the old address (else the ``--permalink`` pattern;
                       ``:abbrlink`` and other keys fill placeholders)
=====================  =============================================
"""

import datetime as dt
import difflib
import hashlib
import re
from pathlib import Path

from django.core.exceptions import ValidationError

from ..models import Article
from ..slugs import slug_from
from ..text import html_to_text, summarize
from ..validators import validate_image_url
from . import limits, permalinks
from .assets import asset_folder
from .dates import DateError, date_from_filename, parse_date
from .files import MARKDOWN_SUFFIXES, FileError, is_draft_location, read_text
from .frontmatter import FrontMatterError, read_front_matter
from .markup import MarkupError, render_body
from .store import ArticleData

Status = Article.Status
PostData = ArticleData  # the name the rest of the code and the tests know

SUMMARY_LIMIT = 1000
_DATE_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-")
_AUTHOR_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")
_TAG_SEPARATORS = re.compile(r"\s*[,，]\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_HEAD_IMAGE_KEYS = ["headimg", "cover", "header-img", "photos"]
# Random stock pictures some generators use when an item has none.
_PLACEHOLDER_IMAGE_HOSTS = ("picsum.photos", "via.placeholder.com", "placehold.co", "placehold.it")
MAPPED_KEYS = {
    "title", "date", "categories", "category", "tags", "author", "comments", "published", "password",
    "status", "headimg", "cover", "header-img", "photos", "headimg_alt", "thumbnail", "excerpt",
    "description", "slug", "permalink", "updated",
}  # fmt: skip
_FALSE = {"false", "no", "off", "0"}


class PostError(ValueError):
    """A post that cannot be imported; the message says why."""


def parse_post(path, root, *, tz, permalink=permalinks.DEFAULT_PATTERN):
    """Read the Hexo post at ``path`` into ``ArticleData``; raise ``PostError``.

    ``root`` is the directory named on the command line: the source key is
    ``hexo:`` and the path relative to it.
    """
    path, root = Path(path), Path(root)
    source_key = "hexo:" + path.relative_to(root).as_posix()
    if len(source_key) > limits.MAX_PATH_LENGTH:
        raise PostError(f"the path is too long to remember as a source (more than {limits.MAX_PATH_LENGTH})")
    try:
        raw, text = read_text(path)
        front = read_front_matter(text)
    except (FileError, FrontMatterError) as error:
        raise PostError(str(error)) from None

    meta, warnings = front.meta, []
    _warn_about_misspelled_keys(meta, warnings)
    try:
        body = render_body(
            front.body,
            markdown=path.suffix.lower() in MARKDOWN_SUFFIXES,
            first_line=front.body_line,
            asset_folder=asset_folder(path),
        )
    except MarkupError as error:
        raise PostError(str(error)) from None
    warnings += body.warnings
    title = _title(meta, path, body.html)
    published_at = _published_at(meta, path, tz, warnings)
    status = _status(meta, path, root, published_at, warnings)
    categories = _category_paths(meta.get("categories", meta.get("category")), warnings)
    hexo_slug = _hexo_slug(meta, path)
    legacy_path = None
    if status == Status.PUBLISHED or _plain(meta.get("permalink")):  # drafts had no public address
        legacy_path = _legacy_path(meta, permalink, published_at.astimezone(tz), hexo_slug, title, categories, warnings)

    return ArticleData(
        source_key=source_key,
        path=path,
        title=title,
        body=body.html,
        summary=_summary(meta, body.excerpt) or summarize(body.html),
        published_at=published_at,
        modified_at=_modified_at(meta, published_at, tz, warnings),
        status=status,
        category_paths=categories,
        tags=_names(meta.get("tags"), _TAG_SEPARATORS, "tags", warnings),
        authors=_names(_author_value(meta.get("author")), _AUTHOR_SEPARATORS, "authors", warnings),
        allow_comments=not _is_false(meta.get("comments")),
        head_image_url=_image(meta, _HEAD_IMAGE_KEYS, warnings),
        head_image_alt=_plain(meta.get("headimg_alt"))[: limits.MAX_TITLE_LENGTH],
        thumbnail_url=_image(meta, ["thumbnail"], warnings),
        slug=slug_from(_plain(meta.get("slug")), fallback=""),
        legacy_path=legacy_path,
        checksum=_checksum(raw, body.assets, tz, permalink),
        warnings=_capped(warnings),
        assets=body.assets,
        links=body.links,
        link_names=_link_names(meta, hexo_slug, path, title),
    )


def _capped(warnings):
    if len(warnings) <= limits.MAX_WARNINGS:
        return warnings
    return [*warnings[: limits.MAX_WARNINGS], (None, f"{len(warnings) - limits.MAX_WARNINGS} more warnings not shown")]


def _warn_about_misspelled_keys(meta, warnings):
    for key in meta:
        if key not in MAPPED_KEYS:
            close = difflib.get_close_matches(key, MAPPED_KEYS, n=1, cutoff=0.8)
            if close:
                warnings.append((None, f"front-matter key {key!r} ignored (did you mean {close[0]!r}?)"))


def _plain(value):
    """A scalar as one line of text ("" for lists, mappings and None)."""
    if value is None or isinstance(value, (list, dict, bytes)):
        return ""
    return _CONTROL.sub(" ", str(value)).strip()


def _is_false(value):
    return value is False or (isinstance(value, (str, int)) and str(value).strip().lower() in _FALSE)


def _title(meta, path, body_html):
    value = meta.get("title")
    if isinstance(value, (list, dict)):
        raise PostError("the title is a list or a mapping, not text")
    title = _plain(value)
    if not title:
        title = _DATE_PREFIX.sub("", path.stem).strip()
    if not title:
        title = summarize(html_to_text(body_html).split("\n", 1)[0], limit=80)
    if not title:
        raise PostError("no title, and no text to make one from")
    if len(title) > limits.MAX_TITLE_LENGTH:
        raise PostError(f"the title is too long ({len(title)} characters; at most {limits.MAX_TITLE_LENGTH})")
    return title


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
    warnings.append((None, "no date; used the file's modification time"))
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).replace(microsecond=0)


def _modified_at(meta, published_at, tz, warnings):
    """Hexo's ``updated``, kept between the post's date and now; None without one."""
    value = meta.get("updated")
    if value in (None, ""):
        return None
    try:
        modified = parse_date(value, tz)
    except DateError as error:
        warnings.append((None, f"updated: {error}; the import time is used"))
        return None
    return min(max(modified, published_at), dt.datetime.now(dt.UTC))


def _status(meta, path, root, published_at, warnings):
    wanted = _plain(meta.get("status")).lower()
    if meta.get("password") not in (None, ""):
        warnings.append((None, "password-protected on the old site; imported as a draft"))
        return Status.DRAFT
    if _is_false(meta.get("published", True)) or is_draft_location(path, root):
        if wanted == "review":
            return Status.REVIEW
        return Status.PUBLISHED if wanted == "scheduled" else Status.DRAFT
    return Status.PUBLISHED


def _category_paths(value, warnings):
    """Hexo semantics: ``A`` and ``[A, B]`` are one path (A › B); a list that
    holds lists is several paths, one per item."""
    if value in (None, "", []):
        return []
    if not isinstance(value, list):
        value = [value]
    if any(isinstance(item, list) for item in value):
        paths = [item if isinstance(item, list) else [item] for item in value]
    else:
        paths = [value]
    result = []
    for path in paths[: limits.MAX_NAMES]:
        names = [_plain(name)[: limits.MAX_NAME_LENGTH] for name in path]
        names = [name for name in names if name]
        if len(names) > limits.MAX_CATEGORY_DEPTH:
            warnings.append((None, f"section path cut to {limits.MAX_CATEGORY_DEPTH} levels"))
            names = names[: limits.MAX_CATEGORY_DEPTH]
        if names and names not in result:
            result.append(names)
    return result


def _author_value(value):
    if isinstance(value, dict):
        return value.get("name") or value.get("nick")
    return value


def _names(value, separators, what, warnings):
    """Distinct names from a list or a separated string, in order."""
    if value in (None, ""):
        return []
    items = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, list):
            items.extend(item)
        elif isinstance(item, dict):
            warnings.append((None, f"ignored a mapping among the {what}"))
        elif isinstance(item, str) and not isinstance(value, list):
            items.extend(separators.split(item))
        else:
            items.append(item)
    names, seen = [], set()
    for item in items:
        name = _plain(item)[: limits.MAX_NAME_LENGTH]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    if len(names) > limits.MAX_NAMES:
        warnings.append((None, f"only the first {limits.MAX_NAMES} {what} kept"))
    return names[: limits.MAX_NAMES]


def _image(meta, keys, warnings):
    for key in keys:
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        value = _plain(value)
        if not value:
            continue
        try:
            validate_image_url(value)
        except ValidationError:
            warnings.append((None, f"{key} ignored: not an http(s) address or a site path: {value[:80]}"))
            continue
        if any(host in value for host in _PLACEHOLDER_IMAGE_HOSTS):
            warnings.append((None, f"{key} ignored: a random placeholder picture: {value[:80]}"))
            continue
        if len(value) > limits.MAX_URL_LENGTH:
            warnings.append((None, f"{key} ignored: address longer than {limits.MAX_URL_LENGTH} characters"))
            continue
        return value
    return ""


def _summary(meta, excerpt):
    for key in ("excerpt", "description"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            text = html_to_text(value) if re.search(r"<[A-Za-z/!]", value) else value.strip()
            return summarize(f"<p>{_escape(text)}</p>", limit=SUMMARY_LIMIT) if len(text) > SUMMARY_LIMIT else text
    if excerpt:
        return summarize(f"<p>{_escape(excerpt)}</p>", limit=SUMMARY_LIMIT)
    return ""


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _hexo_slug(meta, path):
    """Hexo's ``:title``: the ``slug`` key, else the path under ``_posts``
    (without extension and date prefix)."""
    slug = _plain(meta.get("slug"))
    if slug:
        return slug
    parts = path.with_suffix("").parts
    for folder in ("_posts", "_drafts"):
        if folder in parts:
            parts = parts[len(parts) - parts[::-1].index(folder) :]
            break
    else:
        parts = parts[-1:]
    parts = [*parts[:-1], _DATE_PREFIX.sub("", parts[-1]) or parts[-1]]
    return "/".join(parts)


def _legacy_path(meta, pattern, local_date, hexo_slug, title, categories, warnings):
    explicit = _plain(meta.get("permalink"))
    if explicit:
        path = permalinks.normalise_path(explicit)
    else:
        path = permalinks.expand(
            pattern,
            published_at=local_date,
            hexo_slug=hexo_slug,
            title=title,
            category_path=categories[0] if categories else [],
            meta=meta,
        )
    if path is None or path == "/":
        warnings.append((None, f"no old address kept: {(explicit or pattern)[:80]!r} is not a path inside the site"))
        return None
    return path


def _link_names(meta, hexo_slug, path, title):
    names = [hexo_slug, hexo_slug.rsplit("/", 1)[-1], path.stem, _DATE_PREFIX.sub("", path.stem), title]
    slug = _plain(meta.get("slug"))
    if slug:
        names.insert(0, slug)
    return list(dict.fromkeys(name for name in names if name))


def _checksum(raw, assets, tz, permalink):
    """Changes when the file, its images or the options that shape it change."""
    digest = hashlib.sha256(raw)
    for asset in assets:
        digest.update(asset.digest.encode())
    digest.update(f"\0{tz}\0{permalink}".encode())
    return digest.hexdigest()
