"""Keep the search index in step with the articles."""

from . import index_article, remove_articles

# The published time is the entry's place in the index.
_INDEXED_FIELDS = {"title", "summary", "body", "status", "published_at"}


def article_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:
        return  # loading fixtures: rebuild_search_index afterwards
    if update_fields is not None and not (_INDEXED_FIELDS & set(update_fields)):
        return
    index_article(instance)


def article_deleted(sender, instance, **kwargs):
    remove_articles([instance.pk])
