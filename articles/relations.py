"""Bylines, sections and tags for a set of articles, loaded lean.

``prefetch_related`` builds a model instance per row, and django-taggit's
prefetch builds a manager per article on top; on a feed of 30 articles that
machinery costs more than the queries. Here the three relations are read in
one statement of the few columns the public pages show: sections
come from the cached tree, authors and tags are made with ``from_db`` (any
other field is loaded on access, as with ``only()``), and the results are
attached the way a prefetch attaches them, so ``article.authors.all()`` and
friends need no query.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from taggit.models import Tag, TaggedItem

from .categories import get_tree

RELATIONS = ("authors", "categories", "tags")


def attach(articles):
    """Give every article in ``articles`` its authors (in byline order),
    sections and tags, in one query whatever their number."""
    from .models import Author

    articles = [article for article in articles if article.pk is not None]
    if not articles:
        return
    ids = [article.pk for article in articles]
    tree = get_tree()
    found = {pk: {name: [] for name in RELATIONS} for pk in ids}
    columns = ["id", "name", "slug"]
    for kind, article_id, pk, name, slug in _rows(ids):
        if kind == "a":
            found[article_id]["authors"].append(Author.from_db(Author.objects.db, columns, [pk, name, slug]))
        elif kind == "t":
            found[article_id]["tags"].append(Tag.from_db(Tag.objects.db, columns, [pk, name, slug]))
        elif (category := tree.get(pk)) is not None:
            found[article_id]["categories"].append(category)
    for article in articles:
        found[article.pk]["categories"].sort(key=_category_order)
        set_prefetched(article, found[article.pk])


def names(ids):
    """``{article id: {"authors": [...], "categories": [...], "tags": [...]}}``,
    names only, in the same order as ``attach`` (for feeds: no model objects)."""
    tree = get_tree()
    found = {pk: {name: [] for name in RELATIONS} for pk in ids}
    sections = {pk: [] for pk in ids}
    for kind, article_id, pk, name, _ in _rows(ids):
        if kind == "c":
            if (category := tree.get(pk)) is not None:
                sections[article_id].append(category)
        else:
            found[article_id]["authors" if kind == "a" else "tags"].append(name)
    for pk, categories in sections.items():
        found[pk]["categories"] = [category.name for category in sorted(categories, key=_category_order)]
    return found


def _rows(ids):
    """``(kind, article id, related id, name, slug)`` for every byline ("a"),
    section ("c") and tag ("t") of the articles ``ids``, bylines in order and
    tags by name. One statement, written out: through the ORM, building
    three querysets costs more than the database takes to answer them."""
    from .models import Article, Author, Byline

    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    sql = f"""
        SELECT 'a', b.article_id, a.id, a.name, a.slug, b.position, b.id
        FROM {Byline._meta.db_table} b JOIN {Author._meta.db_table} a ON a.id = b.author_id
        WHERE b.article_id IN ({marks})
        UNION ALL
        SELECT 'c', article_id, category_id, NULL, NULL, 0, 0
        FROM {Article.categories.through._meta.db_table} WHERE article_id IN ({marks})
        UNION ALL
        SELECT 't', i.object_id, t.id, t.name, t.slug, 0, 0
        FROM {TaggedItem._meta.db_table} i JOIN {Tag._meta.db_table} t ON t.id = i.tag_id
        WHERE i.content_type_id = %s AND i.object_id IN ({marks})
    """
    content_type = ContentType.objects.get_for_model(Article).pk
    with connections[Article.objects.db].cursor() as cursor:
        cursor.execute(sql, [*ids, *ids, content_type, *ids])
        rows = cursor.fetchall()
    return [row[:5] for row in sorted(rows, key=_row_order)]


def _category_order(category):
    return (category.position, category.name)  # Category's Meta.ordering


def _row_order(row):
    # Bylines by position, then as added; tags by name.
    kind, _, _, name, _, position, byline = row
    return (kind, position, byline) if kind == "a" else (kind, name or "")


def set_prefetched(article, relations):
    """Make ``article.<name>.all()`` answer ``relations[name]`` without a query."""
    cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in relations.items():
        queryset = _tags_of(article) if name == "tags" else getattr(article, name).all()
        queryset._result_cache, queryset._prefetch_done = list(objects), True
        cache[name] = queryset


def _tags_of(article):
    # taggit's manager builds its filter at once (tags_for), which costs more
    # than the rest of a feed item; this is the same queryset with the filter
    # deferred until used, as Django's own related managers do.
    from .models import Article

    queryset = Tag.objects.all()
    queryset._defer_next_filter = True
    return queryset.filter(
        taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Article),
        taggit_taggeditem_items__object_id=article.pk,
    )
