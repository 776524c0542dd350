"""Revisions of articles, kept with django-reversion.

A revision holds the article's fields with its bylines and tags, so the
history can compare any two saves and restore one.
"""

from contextlib import contextmanager

import reversion


def register_models():
    """Called from ``ArticlesConfig.ready()``."""
    from taggit.models import TaggedItem

    from .models import Article, Byline

    if not reversion.is_registered(Article):
        reversion.register(Article, follow=["bylines", "tagged_items"])
        reversion.register(Byline)
    if not reversion.is_registered(TaggedItem):
        reversion.register(TaggedItem)


@contextmanager
def revision(*, user=None, comment=""):
    """Everything registered and saved inside the block becomes one revision."""
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        yield


def record(article, *, user=None, comment=""):
    """Keep a revision of ``article`` as it is now (with its bylines and tags)."""
    with revision(user=user, comment=comment):
        reversion.add_to_revision(article)
