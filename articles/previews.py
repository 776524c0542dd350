"""Previews of unpublished articles: for staff, and by signed share link.

A share link carries the article's id and version, signed, and is good for
48 hours. Once the article is saved again the link stops working: what the
recipient would see is no longer what was shared.
"""

from django.core import signing
from django.urls import reverse

SALT = "articles.preview"
MAX_AGE = 48 * 60 * 60


class ExpiredLink(Exception):
    pass


class ChangedSinceShared(Exception):
    pass


def share_url(article):
    token = signing.dumps({"pk": article.pk, "v": article.version}, salt=SALT, compress=True)
    return reverse("articles:shared_preview", args=[token])


def article_for_token(token):
    """The article a share token names; raises ``ExpiredLink``,
    ``ChangedSinceShared`` or ``signing.BadSignature``."""
    from .models import Article

    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    article = Article.objects.with_relations().filter(pk=data.get("pk")).first()
    if article is None:
        raise signing.BadSignature("no such article")
    if article.version != data.get("v"):
        raise ChangedSinceShared
    return article
