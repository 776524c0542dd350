"""Saving what an importer read: one article per source, one transaction each.

Both importers (Hexo posts and feed entries) describe the article they want
as ``ArticleData``; ``save_article`` creates or updates it, idempotent on
``source_key``. The status moves through ``articles.workflow`` (created as a
draft, then published or submitted), every change leaves a revision, and
``imported_at`` is set to ``updated_at`` last, so a later save by an editor
shows as ``updated_at != imported_at`` and is never overwritten unasked.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from taggit.models import Tag, TaggedItem

from .. import revisions, workflow
from ..fields import CleanHTML
from ..models import Article, Author, Byline, Category
from ..slugs import unique_slug
from ..images.localise import localise_article
from .assets import copy_assets

Status = Article.Status


@dataclass
class ArticleData:
    """The article an importer wants; no field reaches the model unless listed here."""

    source_key: str
    title: str
    body: str  # already clean HTML (may hold post-link markers, see links.py)
    published_at: dt.datetime | None
    status: str = Status.PUBLISHED
    summary: str = ""  # blank: the model makes one from the body
    category_paths: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    allow_comments: bool = True
    head_image_url: str = ""
    head_image_alt: str = ""
    thumbnail_url: str = ""
    slug: str = ""
    legacy_path: str | None = None
    checksum: str = ""
    path: Path | None = None  # the file, for messages
    warnings: list = field(default_factory=list)  # (line or None, message)
    assets: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (line, target) of post_link tags
    link_names: list = field(default_factory=list)  # names other posts' post_link may use


@dataclass
class SaveResult:
    article: Article | None
    action: str  # "created", "updated", "unchanged" or "skipped" (edited in the CMS)
    warnings: list = field(default_factory=list)


class RunCache:
    """Sections, authors, tags and old addresses, read once per run.

    Keeps the importer from asking the database the same question for every
    post. Entries added while saving a file are forgotten again if that
    file's transaction rolls back (a failure, or a dry run).
    """

    def __init__(self):
        self.categories = {}
        for category in Category.objects.order_by("-pk"):  # the oldest wins
            self.categories[(category.parent_id, category.name)] = category
        self.authors = {author.name: author for author in Author.objects.order_by("-pk")}
        self.tags = {}  # filled as names come up: a site may have very many
        self._legacy = None  # read on first use: feeds never need it
        self._added = []

    @property
    def legacy(self):
        if self._legacy is None:
            self._legacy = dict(Article.objects.exclude(legacy_path=None).values_list("legacy_path", "source_key"))
        return self._legacy

    @staticmethod
    def _case_insensitive():
        return getattr(settings, "TAGGIT_CASE_INSENSITIVE", False)

    def _tag_key(self, name):
        return name.lower() if self._case_insensitive() else name

    def _remember(self, table, key, value):
        table[key] = value
        self._added.append((table, key))
        return value

    def commit(self):
        self._added = []

    def rollback(self):
        for table, key in reversed(self._added):
            table.pop(key, None)
        self._added = []

    def category(self, path):
        """The section at ``path`` (names from the top), made where missing."""
        parent = None
        for name in path:
            found = self.categories.get((parent and parent.pk, name))
            if found is None:
                found = self._remember(
                    self.categories, (parent and parent.pk, name), Category.objects.create(parent=parent, name=name)
                )
            parent = found
        return parent

    def author(self, name):
        return self.authors.get(name) or self._remember(self.authors, name, Author.objects.create(name=name))

    def tag_objects(self, names):
        """Tags for ``names`` (made where missing), in at most one query for
        the names not seen yet in this run, plus one insert per new tag."""
        unknown = {self._tag_key(name) for name in names} - self.tags.keys()
        if unknown:
            found = Tag.objects.annotate(key=Lower("name") if self._case_insensitive() else F("name"))
            for tag in found.filter(key__in=unknown).order_by("-pk"):
                self.tags[self._tag_key(tag.name)] = tag
        tags = []
        for name in names:
            key = self._tag_key(name)
            tag = self.tags.get(key) or self._remember(self.tags, key, Tag.objects.create(name=name))
            if tag not in tags:
                tags.append(tag)
        return tags

    def claim_legacy(self, path, source_key):
        """Whether ``path`` is free for (or already) the article from ``source_key``."""
        owner = self.legacy.get(path)
        if owner is not None:
            return owner == source_key
        self._remember(self.legacy, path, source_key)
        return True


def save_article(data, cache, *, overwrite=False, dry_run=False, resolve_links=None, comment=None, images=None):
    """Create or update the article for ``data`` in one transaction.

    ``dry_run`` does all of it and rolls back, so it reports exactly what a
    real run would do (except that it copies no images). ``resolve_links(body,
    data)`` turns post-link markers into addresses and returns ``(body,
    warnings)``. ``images`` (an ``articles.images.localise.Localiser``) copies
    the remote images into media storage: downloaded here, before the
    transaction, so no download holds the database's write lock.
    """
    if dry_run:
        images = None
    if images is not None:
        images.prefetch(images.image_urls(data.body, data.head_image_url, data.thumbnail_url))
    try:
        with transaction.atomic():
            result = _save(data, cache, overwrite, resolve_links, comment, images=images, dry_run=dry_run)
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        cache.rollback()
        raise
    if dry_run:
        cache.rollback()
    else:
        cache.commit()
    return result


def _save(data, cache, overwrite, resolve_links, comment, *, images=None, dry_run=False):
    article = Article.objects.select_for_update().filter(source_key=data.source_key).first()
    edited = False
    if article is not None:
        if article.source_checksum == data.checksum:
            warnings = []
            if images is not None and article.imported_at is not None and article.updated_at == article.imported_at:
                # Imported before without --fetch-images, and nobody has edited it since.
                warnings = localise_article(article, images).warnings
            return SaveResult(article, "unchanged", warnings)
        edited = article.imported_at is None or article.updated_at != article.imported_at
        if edited and not overwrite:
            return SaveResult(article, "skipped")
        action = "updated"
    else:
        article = Article(source_key=data.source_key)
        if data.slug:
            article.slug = unique_slug(Article.objects.all(), data.slug)
        action = "created"

    warnings = []
    body = data.body
    if resolve_links is not None and data.links:
        body, warnings = resolve_links(body, data)
    article.title = data.title
    article.body = CleanHTML(body)
    article.summary = data.summary
    article.allow_comments = data.allow_comments
    article.head_image_url = data.head_image_url
    article.head_image_alt = data.head_image_alt
    article.thumbnail_url = data.thumbnail_url
    if images is not None:
        copied = images.rewrite(article.body, article.head_image_url, article.thumbnail_url)
        if copied.changed_from(article):
            article.body = copied.body  # cleaned again on its way to the database
            article.head_image_url, article.thumbnail_url = copied.head_image_url, copied.thumbnail_url
        warnings += copied.warnings
    if not dry_run:
        # Before saving: the article records its images' renditions when it is saved.
        warnings += copy_assets(data.assets)
    article.source_checksum = data.checksum
    if data.legacy_path:
        if cache.claim_legacy(data.legacy_path, data.source_key):
            article.legacy_path = data.legacy_path
        else:
            warnings.append((None, f"old address {data.legacy_path} already belongs to another article; not kept"))
    if article.status == Status.PUBLISHED and data.status == Status.PUBLISHED and data.published_at:
        article.published_at = data.published_at  # a new date for a live article (not a status change)
    article.save()

    categories = [cache.category(path) for path in data.category_paths]
    tags = cache.tag_objects(data.tags)
    authors = [cache.author(name) for name in data.authors]
    _set_tags(article, tags, created=action == "created")
    if action == "created":  # nothing to replace: skip the clearing queries
        article.categories.add(*categories)
        Byline.objects.bulk_create(Byline(article=article, author=a, position=i) for i, a in enumerate(authors))
    else:
        article.categories.set(categories)
        article.set_authors(authors)

    # Images without alt text do not hold an import back: workflow.publish lets
    # the system publish and notes them on the workflow event instead.
    _move(article, data.status, data.published_at)
    note = comment or f"Imported from {data.source_key}"
    if edited:  # and --overwrite, or we would have stopped above
        note += " (replacing edits made in the CMS)"
    revisions.record(article, comment=note)
    # Last: this import is the article's current version (see the module docstring).
    Article.objects.filter(pk=article.pk).update(imported_at=F("updated_at"))
    return SaveResult(article, action, warnings)


def _set_tags(article, tags, *, created):
    """Tag links in at most three queries (taggit's ``add`` takes four per tag)."""
    links = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_id=article.pk)
    existing = set() if created else set(links.values_list("tag_id", flat=True))
    if not created:
        links.exclude(tag__in=tags).delete()
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=article, tag=tag) for tag in tags if tag.pk not in existing
    )


def _move(article, status, at):
    """Bring ``article`` to ``status`` through the workflow, as the system."""
    if article.status == status:
        return
    if article.status == Status.PUBLISHED:
        workflow.unpublish(article, user=workflow.SYSTEM, note="The imported source is not published.")
    elif article.status == Status.REVIEW and status == Status.DRAFT:
        workflow.request_changes(article, user=workflow.SYSTEM, note="The imported source is a draft.")
    if status == Status.PUBLISHED:
        workflow.publish(article, user=workflow.SYSTEM, at=at)
    elif status == Status.REVIEW and article.status == Status.DRAFT:
        workflow.submit(article, user=workflow.SYSTEM)
