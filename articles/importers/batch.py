"""Saving many posts at once: what ``save_article`` does, in a few queries a batch.

A run imports hundreds of posts; saved one by one, each costs some thirty
queries. Here the posts that are new to the database are created a batch at
a time, in one transaction: their sections, authors and tags are made in a
few inserts, the articles, section links, bylines and tag links in one insert
each, and their revisions in two. The status still moves through
``articles.workflow``, as in ``save_article`` (the published ones through
``publish_many``: ``publish`` for each, their rows read and events written
together).

A batch is all or nothing, so no file is ever half-written. If anything in
it fails, the batch is rolled back and its posts are saved again one
transaction each, so that only the bad file fails, with its own message.
Posts that update an article, link to other posts (their targets must exist
first), copy remote images, or belong to a dry run are saved one by one.
"""

import itertools
import json

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, router, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.encoding import force_str
from reversion.models import Revision, Version
from reversion.revisions import _get_options
from taggit.models import TaggedItem

from .. import pagecache, workflow
from ..fields import CleanHTML
from ..models import Article, Byline
from ..slugs import free_slug, slug_from, taken_slugs
from .assets import copy_assets
from .store import SaveResult, _move, mark_imported, save_article

Status = Article.Status
BATCH_SIZE = 100
FIRST_BATCH_SIZE = 10


def save_articles(
    posts, cache, *, overwrite=False, dry_run=False, resolve_links=None, images=None, batch_size=BATCH_SIZE
):
    """Save ``posts`` (``ArticleData``, any iterable) in order, as ``save_article``
    would; yields ``(post, result)``, where a post that could not be saved has
    the exception as its result. A batch is saved as soon as it is complete."""
    options = {"overwrite": overwrite, "dry_run": dry_run, "resolve_links": resolve_links, "images": images}
    posts = iter(posts)
    if dry_run or images is not None or not connection.features.can_return_rows_from_bulk_insert:
        for post in posts:
            yield post, _save_one(post, cache, options)
        return
    for size in batch_sizes(batch_size):
        chunk = list(itertools.islice(posts, size))
        if not chunk:
            break
        yield from _save_chunk(chunk, cache, options)


def batch_sizes(largest=BATCH_SIZE):
    """10, 20, 40... up to ``largest``: saving starts as soon as a few posts are
    read, and the next batch is read meanwhile (reading is the quicker part)."""
    size = min(FIRST_BATCH_SIZE, largest)
    while True:
        yield size
        size = min(2 * size, largest)


def _save_chunk(chunk, cache, options):
    """New posts in runs, together; the others one by one, in their place."""
    known = {
        article.source_key: article
        for article in Article.objects.filter(source_key__in=[post.source_key for post in chunk]).only(
            "pk", "source_key", "source_checksum"
        )
    }
    new, seen = [], set()
    for post in chunk:
        if post.source_key not in known and post.source_key not in seen and not post.links:
            new.append(post)
            seen.add(post.source_key)
            continue
        yield from _create_all(new, cache, options)
        new = []
        article = known.get(post.source_key)
        if article is not None and article.source_checksum == post.checksum:
            yield post, SaveResult(article, "unchanged")  # what save_article finds, without a transaction
        else:
            yield post, _save_one(post, cache, options)
    yield from _create_all(new, cache, options)


def _save_one(post, cache, options):
    try:
        return save_article(post, cache, **options)
    except Exception as error:  # a bad file never stops the run
        return error


def _create_all(posts, cache, options):
    if not posts:
        return
    try:
        with transaction.atomic():
            results = create_articles(posts, cache)
    except Exception:
        cache.rollback()
        for post in posts:
            yield post, _save_one(post, cache, options)
        return
    except BaseException:
        cache.rollback()
        raise
    cache.commit()
    yield from zip(posts, results, strict=True)


def create_articles(posts, cache):
    """Create an article for each of ``posts`` (none of which has one yet).

    Call it inside a transaction. Returns a ``SaveResult`` for each post.
    """
    cache.prepare(posts)
    taken = taken_slugs(Article.objects.all(), [slug_from(post.slug or post.title) for post in posts])
    articles, results = [], []
    for post in posts:
        article = Article(
            source_key=post.source_key,
            slug=free_slug(post.slug or post.title, taken),
            title=post.title,
            body=CleanHTML(post.body),
            summary=post.summary,
            allow_comments=post.allow_comments,
            head_image_url=post.head_image_url,
            head_image_alt=post.head_image_alt,
            thumbnail_url=post.thumbnail_url,
            source_checksum=post.checksum,
        )
        # Before saving: the article records its images' renditions when it is saved.
        warnings = copy_assets(post.assets)
        if post.legacy_path:
            if cache.claim_legacy(post.legacy_path, post.source_key):
                article.legacy_path = post.legacy_path
            else:
                warnings.append((None, f"old address {post.legacy_path} already belongs to another article; not kept"))
        article.prepare_save()  # bulk_create does not call save()
        articles.append(article)
        results.append(SaveResult(article, "created", warnings))
    Article.objects.bulk_create(articles)

    section_links, bylines, tag_links = [], {}, {}
    for article, post in zip(articles, posts, strict=True):
        sections = {category.pk: category for category in (cache.category(path) for path in post.category_paths)}
        section_links += [
            Article.categories.through(article=article, category=category) for category in sections.values()
        ]
        bylines[article.pk] = [
            Byline(article=article, author=cache.author(name), position=position)
            for position, name in enumerate(post.authors)
        ]
        tag_links[article.pk] = [TaggedItem(content_object=article, tag=tag) for tag in cache.tag_objects(post.tags)]
    Article.categories.through.objects.bulk_create(section_links)
    Byline.objects.bulk_create(byline for rows in bylines.values() for byline in rows)
    TaggedItem.objects.bulk_create(link for rows in tag_links.values() for link in rows)
    pagecache.content_changed()  # what saving them one by one signals

    # Through the workflow, as one by one: the published ones together.
    published = [
        (article, post) for article, post in zip(articles, posts, strict=True) if post.status == Status.PUBLISHED
    ]
    if published:
        workflow.publish_many(
            [article for article, _post in published],
            user=workflow.SYSTEM,
            at=[post.published_at for _a, post in published],
        )
    for article, post in zip(articles, posts, strict=True):
        if post.status != Status.PUBLISHED:
            _move(article, post.status, post.published_at)

    # A revision reads the sections as the database orders them: one query for all.
    prefetch_related_objects(articles, "categories")
    record_revisions(
        (article, f"Imported from {article.source_key}", [*bylines[article.pk], *tag_links[article.pk]])
        for article in articles
    )
    # Last: this import is the article's current version (see store.py).
    mark_imported([(article, post.modified_at) for article, post in zip(articles, posts, strict=True)])
    return results


def record_revisions(entries):
    """``revisions.record`` for many articles at once, in two inserts.

    ``entries`` are ``(article, comment, related)``: ``related`` are the rows
    a revision follows from the article (its bylines and tag links), as they
    are in the database now. Each article gets a revision of its own, with the
    versions django-reversion would write for it.
    """
    revisions, kept = [], []
    for article, comment, related in entries:
        revision = Revision(date_created=timezone.now(), user=None, comment=comment)
        revisions.append(revision)
        kept += [(revision, obj) for obj in [article, *related]]
    by_model = {}
    for _revision, obj in kept:
        by_model.setdefault(type(obj), []).append(obj)
    serialized = {}
    for model, objs in by_model.items():
        serialized.update(zip(map(id, objs), _serialized(objs, _get_options(model)), strict=True))
    Revision.objects.bulk_create(revisions)
    # Each version takes its revision's new primary key.
    Version.objects.bulk_create(_version(revision, obj, serialized[id(obj)]) for revision, obj in kept)


def _serialized(objs, options):
    """``serializers.serialize(format, (obj,))`` for each of ``objs`` (one model), as django-reversion calls it."""
    if options.format != "json":
        return [
            serializers.serialize(
                options.format, (obj,), fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
            )
            for obj in objs
        ]
    # The same text, faster: Django's JSON serializer writes each object with
    # json.dump, which encodes in Python; json.dumps encodes in C.
    rows = serializers.serialize(
        "python", objs, fields=options.fields, use_natural_foreign_keys=options.use_natural_foreign_keys
    )
    return ["[" + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "]" for row in rows]


def _version(revision, obj, serialized_data):
    """The ``Version`` django-reversion keeps of ``obj`` (see ``reversion.revisions._add_to_revision``)."""
    options = _get_options(type(obj))
    model_db = router.db_for_write(type(obj), instance=obj)
    return Version(
        revision=revision,
        content_type=ContentType.objects.db_manager(model_db).get_for_model(
            type(obj), for_concrete_model=options.for_concrete_model
        ),
        object_id=force_str(getattr(obj, options.object_id_field)),
        db=model_db,
        format=options.format,
        serialized_data=serialized_data,
        object_repr=force_str(obj),
    )
