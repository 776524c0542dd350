"""Saving what an importer read: one article per source, one transaction each.

Both importers (Hexo posts and feed entries) describe the article they want
as ``ArticleData``; ``save_article`` creates or updates it, idempotent on
``source_key``. The status moves through ``articles.workflow`` (created as a
draft, then published or submitted), every change leaves a revision, and
``imported_at`` is set to ``updated_at`` last (``mark_imported``: the
source's own time of the last change, where it gives one), so a later save
by an editor shows as ``updated_at != imported_at`` and is never
overwritten unasked.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from taggit.models import Tag, TaggedItem

from .. import categories as category_tree
from .. import pagecache, revisions, workflow
from ..fields import CleanHTML
from ..images.localise import localise_article
from ..models import Article, Author, Byline, Category
from ..slugs import free_slug, slug_from, taken_slugs, unique_slug
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
    modified_at: dt.datetime | None = None  # when the source last changed it; None: now
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
    post, and makes what is missing a level (sections) or a list (authors) at
    a time. Entries added while saving are forgotten again if that
    transaction rolls back (a failure, or a dry run).
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

    def prepare(self, posts):
        """Make the sections, authors and tags ``posts`` name that do not exist
        yet, in a few queries for all of them."""
        self.make_categories([path for post in posts for path in post.category_paths])
        self.make_authors([name for post in posts for name in post.authors])
        self.tag_objects([name for post in posts for name in post.tags])

    def category(self, path):
        """The section at ``path`` (names from the top), made where missing."""
        self.make_categories([path])
        return self._category_at(path)

    def _category_at(self, path):
        parent = None
        for name in path:
            parent = self.categories[(parent and parent.pk, name)]
        return parent

    def make_categories(self, paths):
        """Make the sections on ``paths`` that do not exist yet: one insert per level.

        Slugs are those ``Category.save()`` would give, one after the other.
        """
        made = []
        for depth in range(max(map(len, paths), default=0)):
            wanted = {}
            for path in paths:
                if len(path) > depth:
                    parent = self._category_at(path[:depth]) if depth else None
                    key = (parent and parent.pk, path[depth])
                    if key not in self.categories and key not in wanted:
                        wanted[key] = Category(parent=parent, name=path[depth])
            if not wanted:
                continue
            parents = {key[0] for key in wanted}
            siblings = Q(parent__in=parents - {None}) | Q(parent=None) if None in parents else Q(parent__in=parents)
            taken = {}
            for parent_id, slug in Category.objects.filter(siblings).values_list("parent_id", "slug"):
                taken.setdefault(parent_id, set()).add(slug)
            for (parent_id, _name), category in wanted.items():
                category.slug = free_slug(
                    category.name, taken.setdefault(parent_id, set()), max_length=100, fallback="section"
                )
            Category.objects.bulk_create(wanted.values())
            for key, category in wanted.items():
                self._remember(self.categories, key, category)
            made.extend(wanted.values())
        if made:
            # What Category's post_save receivers do, once for all.
            category_tree.forget_tree()
            pagecache.content_changed()

    def author(self, name):
        self.make_authors([name])
        return self.authors[name]

    def make_authors(self, names):
        """Make the authors called ``names`` that do not exist yet, in one insert
        (with the slugs ``Author.save()`` would give them, one after the other)."""
        wanted = {name: Author(name=name) for name in names if name not in self.authors}
        if not wanted:
            return
        taken = taken_slugs(
            Author.objects.all(),
            [slug_from(name, max_length=100, fallback="author") for name in wanted],
            max_length=100,
        )
        for author in wanted.values():
            author.slug = free_slug(author.name, taken, max_length=100, fallback="author")
        Author.objects.bulk_create(wanted.values())
        for name, author in wanted.items():
            self._remember(self.authors, name, author)
        pagecache.content_changed()

    def tag_objects(self, names):
        """Tags for ``names`` (made where missing), in at most one query for
        the names not seen yet in this run, plus one insert per new tag."""
        unknown = {self._tag_key(name) for name in names} - self.tags.keys()
        if unknown:
            found = Tag.objects.annotate(key=Lower("name") if self._case_insensitive() else F("name"))
            for tag in found.filter(key__in=unknown).order_by("-pk"):
                self.tags[self._tag_key(tag.name)] = tag
        tags = {}
        for name in names:
            key = self._tag_key(name)
            tag = self.tags.get(key) or self._remember(self.tags, key, Tag.objects.create(name=name))
            tags.setdefault(tag.pk, tag)
        return list(tags.values())

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
    mark_imported([(article, data.modified_at)])
    return SaveResult(article, action, warnings)


def mark_imported(articles):
    """Record ``[(article, modified_at), ...]`` as imported just now: each one's
    ``imported_at`` is its ``updated_at``, which is the source's own time of
    its last change where it gave one (so sitemaps and metadata keep it)."""
    untimed = [article.pk for article, modified_at in articles if modified_at is None]
    if untimed:
        Article.objects.filter(pk__in=untimed).update(imported_at=F("updated_at"))
    timed = []
    for article, modified_at in articles:
        if modified_at is not None:
            article.updated_at = article.imported_at = modified_at
            timed.append(article)
    if timed:
        Article.objects.bulk_update(timed, ["updated_at", "imported_at"])


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
