"""Revisions of articles, kept with django-reversion.

A revision holds the article's fields with its bylines and tags, so the
history can compare any two saves and restore one.
"""

import reversion
from django.db import transaction
from django.utils import timezone


def register_models():
    """Called from ``ArticlesConfig.ready()``."""
    from taggit.models import TaggedItem

    from .models import Article, Byline

    if not reversion.is_registered(Article):
        reversion.register(Article, follow=["revision_bylines", "revision_tag_links"])
        reversion.register(Byline)
    if not reversion.is_registered(TaggedItem):
        reversion.register(TaggedItem)


def record(article, *, user=None, comment=""):
    """Keep a revision of ``article`` as it is now, with its bylines and tags.

    Call it after every change is saved: the revision reads the article and
    its relations at this moment (saves made inside the block are not added
    on their own, so a half-done state never lands in a revision).
    """
    with reversion.create_revision(manage_manually=True):
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(article)


# Fields a revision restores. Status and publication time are left alone:
# only the workflow moves those.
CONTENT_FIELDS = [
    "title",
    "slug",
    "summary",
    "body",
    "allow_comments",
    "head_image",
    "head_image_url",
    "head_image_alt",
    "head_image_caption",
    "head_image_credit",
    "thumbnail_url",
]


def versions_of(article):
    """The article's saved versions, newest first, with who saved them."""
    from reversion.models import Version

    return Version.objects.get_for_object(article).select_related("revision__user")


def snapshot(version):
    """What a revision held, as comparable values (names, not ids)."""
    from taggit.models import Tag, TaggedItem

    from .models import Author, Byline, Category

    fields = version.field_dict
    related = list(version.revision.version_set.select_related("content_type"))
    byline_rows = sorted(
        (row.field_dict for row in related if row.content_type.model_class() is Byline),
        key=lambda row: (row["position"], row["id"]),
    )
    tag_ids = [row.field_dict["tag_id"] for row in related if row.content_type.model_class() is TaggedItem]
    authors = dict(Author.objects.filter(pk__in=[row["author_id"] for row in byline_rows]).values_list("pk", "name"))
    categories = {category.pk: str(category) for category in Category.objects.filter(pk__in=fields.get("categories", []))}
    tags = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    return {
        **{name: fields.get(name) for name in CONTENT_FIELDS},
        "category_ids": [pk for pk in fields.get("categories", []) if pk in categories],
        "categories": sorted(categories.values()),
        "author_ids": [row["author_id"] for row in byline_rows if row["author_id"] in authors],
        "authors": [authors[row["author_id"]] for row in byline_rows if row["author_id"] in authors],
        "tags": sorted(tags[pk] for pk in tag_ids if pk in tags),
    }


def restore(article, version, *, user):
    """Make ``version``'s content current again, as a new revision."""
    from .models import Author, Category

    old = snapshot(version)
    for name in CONTENT_FIELDS:
        setattr(article, name, old[name] if old[name] is not None else "")
    article.last_edited_by = user
    with transaction.atomic():
        article.save()
        article.categories.set(Category.objects.filter(pk__in=old["category_ids"]))
        article.tags.set(old["tags"], clear=True)
        authors = Author.objects.in_bulk(old["author_ids"])
        article.set_authors([authors[pk] for pk in old["author_ids"] if pk in authors])
        saved = timezone.localtime(version.revision.date_created)
        record(article, user=user, comment=f"Restored the version saved {saved:%Y-%m-%d %H:%M:%S}")
    return article
